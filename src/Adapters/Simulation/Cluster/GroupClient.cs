using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Simulation;

/// <summary>One member's side of the group protocol, as librdkafka's consumer group code runs it behind the application:
/// join and sync, heartbeats, rejoining on a rebalance, and losing everything when the coordinator no longer knows the
/// member. It never calls the application: it queues the rebalance callbacks its port runs inside the next poll, and
/// goes on only once a callback returned (a revocation must finish before the member rejoins).</summary>
internal sealed class GroupClient
{
    private readonly SimulatedCluster _cluster;
    private readonly SimRandom _rng;
    private readonly Lifetime _owner;
    private readonly Dictionary<FaultKind, int> _armed = [];
    private long _toCoordinatorFreeAtMs;
    private long _toMemberFreeAtMs;
    private long _heartbeatsLostUntilMs = -1;
    private bool _joining;
    private bool _rebalancing;
    private bool _left;

    public GroupClient(SimulatedCluster cluster, int member, string? instanceId, SimRandom rng, Lifetime owner, SimulatedPort port)
    {
        _cluster = cluster;
        Member = member;
        InstanceId = instanceId;
        _rng = rng;
        _owner = owner;
        Port = port;
    }

    /// <summary>The member's index in the run (its name in traces and stories).</summary>
    public int Member { get; }

    /// <summary><c>group.instance.id</c>: the static member this client is (KIP-345), or null for a dynamic member.</summary>
    public string? InstanceId { get; }

    /// <summary>The member id the coordinator gave; null before the first join and after the member was fenced.</summary>
    public string? MemberId { get; private set; }

    /// <summary>The generation of the last assignment (what a commit carries).</summary>
    public int Generation { get; private set; }

    private SimulatedPort Port { get; }

    private SimClock Clock => _cluster.Clock;

    private bool Cooperative => _cluster.Protocol == RebalanceProtocol.Cooperative;

    /// <summary>Subscribes: joins the group and starts heartbeating.</summary>
    public void Start()
    {
        Join();
        ScheduleHeartbeat();
    }

    /// <summary>The client closes; nothing more is sent. A dynamic member leaves the group; a static one does not (as
    /// librdkafka's close): its partitions wait for its next incarnation, until its session times out.</summary>
    public void Leave()
    {
        _left = true;
        if (InstanceId is null && MemberId is { } memberId)
        {
            ToCoordinator(() => { _cluster.Coordinator.Leave(memberId); return 0; }, _ => { });
        }
    }

    /// <summary>Whether the coordinator would accept this member's commits now: it knows the member, in its current
    /// generation.</summary>
    public bool CanCommit => MemberId is { } id && _cluster.Coordinator.IsMember(id) && Generation == _cluster.Coordinator.Generation;

    /// <summary>Whether the client is at rest in the coordinator's current generation: joined, assigned, not rebalancing.</summary>
    public bool Settled => !_joining && !_rebalancing && !_left && MemberId is { } id && _cluster.Coordinator.IsMember(id) &&
        Generation == _cluster.Coordinator.Generation;

    /// <summary>Commits offsets with this member's id and generation, as librdkafka's commit does.</summary>
    public void Commit(IReadOnlyList<PartitionOffset> offsets, Action<CommitOutcome> onOutcome)
    {
        var memberId = MemberId;
        var generation = Generation;
        ToCoordinator(() => _cluster.Coordinator.Commit(this, memberId, generation, offsets), onOutcome);
    }

    /// <summary>Reads the group's committed offsets, retrying while the coordinator is unavailable until
    /// <paramref name="timeoutMs"/> has passed; null when it never answered.</summary>
    public void FetchCommitted(IReadOnlyList<TopicPartitionId> partitions, long timeoutMs, Action<IReadOnlyList<long?>?> onResponse)
    {
        var deadlineMs = Clock.NowMs + timeoutMs;
        void Attempt() => ToCoordinator(() => _cluster.Coordinator.CommittedOffsets(partitions), committed =>
        {
            if (committed is null && Clock.NowMs + 100 < deadlineMs)
            {
                Clock.After(100, Attempt, _owner);
            }
            else
            {
                onResponse(committed);
            }
        });
        Attempt();
    }

    /// <summary>Asks a partition's leader for its watermarks.</summary>
    public void QueryWatermarks(TopicPartitionId partition, Action<Watermarks> onResponse) =>
        ToCoordinator(() => new Watermarks(_cluster.Log(partition).LogStart, _cluster.Log(partition).HighWatermark), onResponse);

    /// <summary>A request and its response, each FIFO with network latency. A request already on the wire arrives even if
    /// the member dies; the response reaches only the incarnation that sent it.</summary>
    public void ToCoordinator<T>(Func<T> request, Action<T> onResponse)
    {
        _toCoordinatorFreeAtMs = Math.Max(Clock.NowMs + _rng.Between(1, 10), _toCoordinatorFreeAtMs);
        Clock.After(_toCoordinatorFreeAtMs - Clock.NowMs, () =>
        {
            var response = request();
            FromCoordinator(() => onResponse(response));
        });
    }

    /// <summary>A message from the coordinator to this member, FIFO with network latency.</summary>
    public void FromCoordinator(Action action)
    {
        _toMemberFreeAtMs = Math.Max(Clock.NowMs + _rng.Between(1, 10), _toMemberFreeAtMs);
        Clock.After(_toMemberFreeAtMs - Clock.NowMs, action, _owner);
    }

    /// <summary>SyncGroup's answer: the member's partitions in a generation. The cooperative protocol hands over only what
    /// is new, then revokes what moved and rejoins so the next round can hand it on.</summary>
    public void OnAssigned(string memberId, int generation, IReadOnlyList<TopicPartitionId> target)
    {
        if (!_joining || memberId != MemberId || _left)
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

    /// <summary>The heartbeats of this member stop reaching the coordinator for a while (its session times out; it lives
    /// on as a zombie).</summary>
    public void LoseHeartbeats(long durationMs) => _heartbeatsLostUntilMs = Math.Max(_heartbeatsLostUntilMs, Clock.NowMs + durationMs);

    public void Arm(FaultKind kind) => _armed[kind] = _armed.GetValueOrDefault(kind) + 1;

    /// <summary>Consumes one armed fault of a kind; true (and counted as fired) when there was one.</summary>
    public bool TakeArmedFault(FaultKind kind)
    {
        if (_armed.GetValueOrDefault(kind) == 0)
        {
            return false;
        }

        _armed[kind]--;
        _cluster.FaultFired(kind, $"member {Member}: {kind}", Member);
        return true;
    }

    private void Join()
    {
        if (_left)
        {
            return;
        }

        _joining = true;
        var claimed = Cooperative ? Port.Claimable() : [];
        var memberId = MemberId;
        ToCoordinator(
            () => _cluster.Coordinator.Join(this, memberId, claimed),
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
                        Clock.After(500, Join, _owner);
                        break;
                }
            });
    }

    private void ScheduleHeartbeat() => Clock.After(_cluster.HeartbeatIntervalMs, Heartbeat, _owner);

    private void Heartbeat()
    {
        if (_left)
        {
            return;
        }

        ScheduleHeartbeat();
        if (_joining || MemberId is null || _rebalancing || Clock.NowMs < _heartbeatsLostUntilMs)
        {
            return;
        }

        var memberId = MemberId;
        var generation = Generation;
        ToCoordinator(
            () => _cluster.Coordinator.Heartbeat(memberId, generation),
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
