using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What every group coordinator of the simulated cluster does whatever the protocol: it stores committed
/// offsets, fences commits that do not come from a current member in its current generation (classic) or member epoch
/// (KIP-848), answers OffsetFetch, and moves (unavailable for a while, then every session starts afresh). The protocols
/// themselves are <see cref="ClassicCoordinator"/> and <see cref="ConsumerCoordinator"/>.</summary>
internal abstract class GroupCoordinator(SimulatedCluster cluster)
{
    private long _unavailableUntilMs = -1;

    /// <summary>Committed offsets (Kafka's convention), as the coordinator stores them.</summary>
    public Dictionary<TopicPartitionId, long> Committed { get; } = [];

    /// <summary>Whether the group is rebalancing: a classic join round under way, or a KIP-848 member still reconciling
    /// towards its target assignment.</summary>
    public abstract bool Preparing { get; }

    protected SimulatedCluster Cluster => cluster;

    protected SimClock Clock => cluster.Clock;

    protected bool Available => Clock.NowMs >= _unavailableUntilMs;

    protected long UnavailableUntilMs => _unavailableUntilMs;

    protected long SessionTimeoutMs => cluster.SessionTimeoutMs;

    /// <summary>An offset commit, stamped with the member id and its generation (classic) or member epoch (KIP-848).
    /// Refused unless it comes from a current member with its current stamp; the fault plan may fail it or lose its
    /// response.</summary>
    public CommitOutcome Commit(GroupClient client, string? memberId, int stamp, IReadOnlyList<PartitionOffset> offsets)
    {
        if (!Available || client.TakeArmedFault(FaultKind.CommitFailure))
        {
            return CommitOutcome.RetriableError;
        }

        if (memberId is null)
        {
            return CommitOutcome.Fenced;
        }

        if (Refuses(client, memberId, stamp) is { } refusal)
        {
            return refusal;
        }

        foreach (var (tp, next) in offsets)
        {
            cluster.Oracle.CommitAccepted(client.Member, memberId, stamp, tp, next, OwnerOf(tp), Committed.TryGetValue(tp, out var was) ? was : null);
            Committed[tp] = next;
        }

        return client.TakeArmedFault(FaultKind.UnknownCommitOutcome) ? CommitOutcome.RetriableError : CommitOutcome.Success;
    }

    /// <summary>OffsetFetch: the committed offsets of <paramref name="partitions"/> (null for none), or null while the
    /// coordinator is unavailable.</summary>
    public IReadOnlyList<long?>? CommittedOffsets(IReadOnlyList<TopicPartitionId> partitions) =>
        Available ? [.. partitions.Select(tp => Committed.TryGetValue(tp, out var offset) ? offset : (long?)null)] : null;

    /// <summary>The coordinator moves: unavailable for a while, then every session starts afresh (the new coordinator
    /// has no heartbeat history).</summary>
    public void Move(long durationMs)
    {
        _unavailableUntilMs = Clock.NowMs + durationMs;
        Clock.At(_unavailableUntilMs, RestartSessions);
    }

    /// <summary>The member's session expires now, whatever its heartbeats: it is removed from the group, and learns it at
    /// its next request (a systematic test's way to make a loss land exactly when it races something).</summary>
    public abstract void ExpireSession(string memberId);

    /// <summary>Forces a rebalance, as a metadata change or a member's rejoin would; false when none started.</summary>
    public abstract bool ForceRebalance();

    /// <summary>The subscribed topics gained partitions: true once the coordinator will assign them (a rebalance started
    /// or under way, or no member yet), false when it cannot act now (unavailable).</summary>
    public abstract bool PartitionsChanged();

    /// <summary>True while <paramref name="memberId"/> belongs to the group; false once it left or was expelled.</summary>
    public abstract bool IsMember(string? memberId);

    /// <summary>The member that owns <paramref name="partition"/> now, if any.</summary>
    public abstract string? OwnerOf(TopicPartitionId partition);

    /// <summary>Why a commit with <paramref name="stamp"/> from <paramref name="memberId"/> (<paramref name="client"/>'s)
    /// is refused, or null when it is accepted.</summary>
    protected abstract CommitOutcome? Refuses(GroupClient client, string memberId, int stamp);

    /// <summary>Every member's session starts afresh now (the coordinator came back after a move).</summary>
    protected abstract void RestartSessions();
}
