using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A member of KIP-848's consumer protocol, as librdkafka runs it with <c>group.protocol=consumer</c>: one
/// heartbeat at a time, each reporting what the member owns and answered with its member epoch and the partitions it is
/// to own. The member reconciles incrementally — it assigns what is new, revokes what is gone and reports the revocation
/// at once — while the other members go on undisturbed. Fenced (unknown member, fenced epoch), it loses everything and
/// rejoins as a new member with epoch 0. Commits carry the member epoch of the last answer.</summary>
internal sealed class ConsumerGroupClient(SimulatedCluster cluster, int member, string? instanceId, SimRandom rng, Lifetime owner, SimulatedPort port)
    : GroupClient(cluster, member, instanceId, rng, owner, port)
{
    private bool _inFlight;
    private bool _again;
    private bool _revoking;
    private bool _losing;

    private ConsumerCoordinator Coordinator => (ConsumerCoordinator)Cluster.Coordinator;

    /// <inheritdoc />
    public override bool CanCommit => MemberId is { } id && Coordinator.EpochOf(id) == Generation;

    /// <inheritdoc />
    public override bool Settled => !_revoking && !_losing && !Left && MemberId is { } id && Coordinator.IsStable(id, Generation);

    /// <inheritdoc />
    public override void Start()
    {
        Heartbeat();
        ScheduleHeartbeat(Tick);
    }

    /// <inheritdoc />
    protected override void LeaveGroup(string memberId) => Coordinator.Leave(memberId);

    private void Tick()
    {
        if (Left)
        {
            return;
        }

        ScheduleHeartbeat(Tick);
        Heartbeat();
    }

    /// <summary>Sends a heartbeat unless one is under way (then another follows its answer), the member is losing its
    /// partitions, or its heartbeats are lost (a zombie's).</summary>
    private void Heartbeat()
    {
        if (Left || _losing || HeartbeatsLost)
        {
            return;
        }

        if (_inFlight)
        {
            _again = true;
            return;
        }

        _inFlight = true;
        var (memberId, epoch, owned) = (MemberId, Generation, Port.Owned());
        ToCoordinator(
            () => Coordinator.Heartbeat(this, memberId, epoch, owned),
            answer =>
            {
                _inFlight = false;
                if (Left || _losing)
                {
                    return;
                }

                switch (answer.Response)
                {
                    case CoordinatorResponse.Ok:
                        MemberId = answer.MemberId;
                        Generation = answer.Epoch;
                        Reconcile(answer.Assignment);
                        break;
                    case CoordinatorResponse.UnknownMember:
                        BeginLoss();
                        return;
                    default:
                        break;
                }

                if (_again)
                {
                    _again = false;
                    Heartbeat();
                }
            });
    }

    /// <summary>Moves towards the coordinator's answer: assigns what is new, revokes what is gone and, once that
    /// revocation's callback returned, reports it with a heartbeat of its own. While a revocation is under way, an answer
    /// waits for the heartbeat that follows it.</summary>
    private void Reconcile(IReadOnlyList<TopicPartitionId> assignment)
    {
        if (_revoking)
        {
            return;
        }

        var owned = Port.Owned();
        var added = assignment.Except(owned).ToArray();
        var revoked = owned.Except(assignment).ToArray();
        if (added.Length > 0)
        {
            Port.QueueAssign(added);
        }

        if (revoked.Length > 0)
        {
            _revoking = true;
            Port.QueueRevoke(revoked, lost: false, then: () =>
            {
                _revoking = false;
                Heartbeat();
            });
        }
    }

    /// <summary>Fenced: everything is lost; once the callback returned the member rejoins as a new one, epoch 0.</summary>
    private void BeginLoss()
    {
        _losing = true;
        Port.QueueRevoke(Port.Owned(), lost: true, then: () =>
        {
            _losing = false;
            _revoking = false;
            MemberId = null;
            Generation = 0;
            Heartbeat();
        });
    }
}
