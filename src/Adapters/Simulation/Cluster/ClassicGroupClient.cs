using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A member of the classic group protocol: join and sync rounds, heartbeats that learn of a rebalance, rejoining
/// (eager: after revoking everything; cooperative: claiming what it keeps), and losing everything when the coordinator no
/// longer knows the member.</summary>
internal sealed class ClassicGroupClient(SimulatedCluster cluster, int member, string? instanceId, SimRandom rng, Lifetime owner, SimulatedPort port)
    : GroupClient(cluster, member, instanceId, rng, owner, port)
{
    private bool _joining;
    private bool _rebalancing;

    private ClassicCoordinator Coordinator => (ClassicCoordinator)Cluster.Coordinator;

    private bool Cooperative => Cluster.Protocol == RebalanceProtocol.Cooperative;

    /// <inheritdoc />
    public override bool CanCommit => MemberId is { } id && Coordinator.IsMember(id) && Generation == Coordinator.Generation;

    /// <inheritdoc />
    public override bool Settled => !_joining && !_rebalancing && !Left && MemberId is { } id && Coordinator.IsMember(id) &&
        Generation == Coordinator.Generation;

    /// <inheritdoc />
    public override void Start()
    {
        Join();
        ScheduleHeartbeat(Heartbeat);
    }

    /// <summary>SyncGroup's answer: the member's partitions in a generation. The cooperative protocol hands over only what
    /// is new, then revokes what moved and rejoins so the next round can hand it on.</summary>
    public void OnAssigned(string memberId, int generation, IReadOnlyList<TopicPartitionId> target)
    {
        if (!_joining || memberId != MemberId || Left)
        {
            return;
        }

        _joining = false;
        Generation = generation;
        var owned = Port.Owned();
        var revoked = owned.Except(target).ToArray();
        var added = target.Except(owned).ToArray();
        Port.QueueAssign(added);
        if (revoked.Length > 0)
        {
            _rebalancing = true;
            Port.QueueRevoke(revoked, lost: false, then: AfterRevocation(rejoinAsNew: false));
        }
    }

    /// <inheritdoc />
    protected override void LeaveGroup(string memberId) => Coordinator.Leave(memberId);

    private void Join()
    {
        if (Left)
        {
            return;
        }

        _joining = true;
        var claimed = Cooperative ? Port.Claimable() : [];
        var memberId = MemberId;
        ToCoordinator(
            () => Coordinator.Join(this, memberId, claimed),
            result =>
            {
                switch (result.Response)
                {
                    case CoordinatorResponse.Ok:
                        MemberId = result.MemberId;
                        break;
                    case CoordinatorResponse.UnknownMember:
                        _joining = false;
                        BeginLoss();
                        break;
                    default:
                        Clock.After(500, Join, Owner);
                        break;
                }
            });
    }

    private void Heartbeat()
    {
        if (Left)
        {
            return;
        }

        ScheduleHeartbeat(Heartbeat);
        if (_joining || MemberId is null || _rebalancing || HeartbeatsLost)
        {
            return;
        }

        var memberId = MemberId;
        var generation = Generation;
        ToCoordinator(
            () => Coordinator.Heartbeat(memberId, generation),
            response =>
            {
                if (_joining || _rebalancing)
                {
                    return;
                }

                switch (response)
                {
                    case CoordinatorResponse.RebalanceInProgress or CoordinatorResponse.IllegalGeneration:
                        Rejoin();
                        break;
                    case CoordinatorResponse.UnknownMember:
                        BeginLoss();
                        break;
                    default:
                        break;
                }
            });
    }

    private void Rejoin()
    {
        if (Cooperative)
        {
            Join();
            return;
        }

        // Eager: everything is revoked before the member rejoins.
        _rebalancing = true;
        Port.QueueRevoke(Port.Owned(), lost: false, then: AfterRevocation(rejoinAsNew: false));
    }

    private void BeginLoss()
    {
        _rebalancing = true;
        Port.QueueRevoke(Port.Owned(), lost: true, then: AfterRevocation(rejoinAsNew: true));
    }

    /// <summary>What the member does once a revocation's callback returned: rejoin, as a new member after a loss.</summary>
    private Action AfterRevocation(bool rejoinAsNew) => () =>
    {
        _rebalancing = false;
        if (rejoinAsNew)
        {
            MemberId = null;
        }

        Join();
    };
}
