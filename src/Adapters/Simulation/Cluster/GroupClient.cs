using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Simulation;

/// <summary>One member's side of the group protocol, as librdkafka's consumer group code runs it behind the application.
/// What every protocol shares is here: the network to the coordinator (FIFO with latency both ways), commits stamped with
/// the member id and its generation or member epoch, OffsetFetch, watermarks, and the faults armed at this member. The
/// protocols are <see cref="ClassicGroupClient"/> (join and sync rounds) and <see cref="ConsumerGroupClient"/> (KIP-848
/// heartbeats). A client never calls the application: it queues the rebalance callbacks its port runs inside the next
/// poll, and goes on only once a revocation's callback returned.</summary>
internal abstract class GroupClient
{
    private readonly SimulatedCluster _cluster;
    private readonly SimRandom _rng;
    private readonly Lifetime _owner;
    private readonly Dictionary<FaultKind, int> _armed = [];
    private long _toCoordinatorFreeAtMs;
    private long _toMemberFreeAtMs;
    private long _heartbeatsLostUntilMs = -1;

    protected GroupClient(SimulatedCluster cluster, int member, string? instanceId, SimRandom rng, Lifetime owner, SimulatedPort port)
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
    public string? MemberId { get; protected set; }

    /// <summary>What a commit is stamped with: the generation of the last assignment (classic), or the member epoch
    /// (KIP-848).</summary>
    public int Generation { get; protected set; }

    /// <summary>Whether the coordinator would accept this member's commits now.</summary>
    public abstract bool CanCommit { get; }

    /// <summary>Whether the client is at rest: joined, assigned all it is to get, not rebalancing.</summary>
    public abstract bool Settled { get; }

    protected SimulatedPort Port { get; }

    protected SimulatedCluster Cluster => _cluster;

    protected SimClock Clock => _cluster.Clock;

    protected Lifetime Owner => _owner;

    /// <summary>Whether the client closed: it sends nothing more.</summary>
    protected bool Left { get; private set; }

    /// <summary>Whether this member's heartbeats are being lost on the way now (a zombie's).</summary>
    protected bool HeartbeatsLost => Clock.NowMs < _heartbeatsLostUntilMs;

    /// <summary>Subscribes: joins the group and starts heartbeating.</summary>
    public abstract void Start();

    /// <summary>The client closes; nothing more is sent. A dynamic member leaves the group; a static one does not (as
    /// librdkafka's close): its partitions wait for its next incarnation, until its session times out.</summary>
    public void Leave()
    {
        Left = true;
        if (InstanceId is null && MemberId is { } memberId)
        {
            ToCoordinator(() => { LeaveGroup(memberId); return 0; }, _ => { });
        }
    }

    /// <summary>Commits offsets stamped with this member's id and generation or epoch, as librdkafka's commit does.</summary>
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

    /// <summary>The coordinator's side of leaving, for this protocol.</summary>
    protected abstract void LeaveGroup(string memberId);

    protected void ScheduleHeartbeat(Action heartbeat) => Clock.After(_cluster.HeartbeatIntervalMs, heartbeat, _owner);
}
