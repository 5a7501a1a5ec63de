namespace Elsa.Sim.Core;

/// <summary>Everything a group manager knows, as one immutable value that compares and hashes by value. Only
/// <see cref="GroupMachine.Step"/> makes new ones.</summary>
public sealed record GroupState
{
    /// <summary>The state before any event.</summary>
    public static GroupState Initial { get; } = new();

    /// <summary>The manager's phase.</summary>
    public ManagerPhase Phase { get; init; } = ManagerPhase.Idle;

    /// <summary>The member id of the last assignment, if any.</summary>
    public string? MemberId { get; init; }

    /// <summary>The current generation; null before the first assignment and after a full revocation.</summary>
    public int? GenerationId { get; init; }

    /// <summary>The newest generation ever seen; assignments from it or older ones are stale.</summary>
    public int? LastGenerationId { get; init; }

    /// <summary>The time of the latest tick.</summary>
    public long NowMs { get; init; }

    /// <summary>When the commit interval was last counted from.</summary>
    public long LastCommitMs { get; init; }

    /// <summary>The id the next started worker gets.</summary>
    public long NextWorkerId { get; init; } = 1;

    /// <summary>The owned partitions.</summary>
    public ValueMap<TopicPartitionId, PartitionState> Partitions { get; init; } = ValueMap<TopicPartitionId, PartitionState>.Empty;

    /// <summary>Every worker not yet confirmed stopped (live or stopping), and its partition.</summary>
    public ValueMap<WorkerId, TopicPartitionId> Workers { get; init; } = ValueMap<WorkerId, TopicPartitionId>.Empty;

    /// <summary>Partitions whose assignment callback has not been called yet, in call order.</summary>
    public ValueQueue<TopicPartitionId> CallbackQueue { get; init; } = ValueQueue<TopicPartitionId>.Empty;

    /// <summary>The assignment callback under way, if any: its partition and generation.</summary>
    public (TopicPartitionId Partition, int GenerationId)? CallbackInFlight { get; init; }

    /// <summary>Partitions named by revocations or losses not yet completed, in the order named.</summary>
    public ValueList<TopicPartitionId>? PendingRevocation { get; init; }

    /// <summary>How many partitions of the pending revocation still wait for their worker to confirm it stopped; the
    /// revocation can complete at zero. A count, so that each confirmed stop is not a scan of every partition (which made
    /// revoking n partitions cost n²).</summary>
    public int RevocationStopsAwaited { get; init; }

    /// <summary>A generation in which the coordinator fenced a commit. No commit is sent while it is the current
    /// generation; the fenced offsets go out with the next generation's first commit.</summary>
    public int? FencedGenerationId { get; init; }

    /// <summary>The commits sent and not yet answered, in the order sent. A <see cref="GroupEvent.CommitCompleted"/> is
    /// believed only when it answers one of them exactly; a host answers each commit once, so the list holds only what
    /// the coordinator has not answered yet.</summary>
    public ValueList<GroupEffect.CommitOffsets> CommitsInFlight { get; init; } = ValueList<GroupEffect.CommitOffsets>.Empty;

    /// <summary>With <c>direct_ack</c>: when offsets whose commit failed with a retriable error are sent again; null when
    /// no retry is due.</summary>
    public long? CommitRetryDueMs { get; init; }

    /// <summary>Why the manager failed, once it has.</summary>
    public string? FailureReason { get; init; }

    /// <summary>Whether workers may start now, as far as the manager goes: it is active and no assignment callback is
    /// pending, so that every callback of an assignment returns before any of its workers starts.</summary>
    internal bool StartsWorkers => Phase == ManagerPhase.Active && CallbackInFlight is null && CallbackQueue.IsEmpty;

    /// <summary>Elsa's <c>get_committed_offsets</c>: what the coordinator confirmed for each owned partition of
    /// <paramref name="topic"/> (Kafka's convention), in partition order.</summary>
    public IReadOnlyList<PartitionOffset> CommittedOffsets(string topic) =>
        Partitions.Values
            .Where(p => p.Partition.Topic == topic && p.CommittedOffset is not null)
            .Select(p => new PartitionOffset(p.Partition, p.CommittedOffset!.Value))
            .ToArray();

    /// <summary>The earliest time at which a <see cref="GroupEvent.Tick"/> would change something (a commit or a commit
    /// retry falls due, or a restart backoff ends), or null when no tick is needed. Always later than
    /// <see cref="NowMs"/>: whatever is due at the current time was done by the step that made it due. Hosts sleep until
    /// then instead of polling.</summary>
    public long? NextDeadlineMs(GroupConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (Phase != ManagerPhase.Active)
        {
            return null;
        }

        // One pass with the map's struct enumerator: hosts ask after every step (the simulator after each of millions).
        var commits = FencedGenerationId != GenerationId;
        var uncommitted = false;
        long? restartDue = null;
        foreach (var (_, partition) in Partitions)
        {
            // Direct acks commit at once; what is still uncommitted failed and is retried on the interval, like the rest.
            uncommitted |= commits && partition.Phase != PartitionPhase.Lost && partition.UncommittedOffset is not null;

            // Restarts wait for pending assignment callbacks, whose return starts what is due.
            if (StartsWorkers && partition.RestartDueMs is { } due && (restartDue is null || due < restartDue))
            {
                restartDue = due;
            }
        }

        long? commitDue = uncommitted ? Saturating.Add(LastCommitMs, config.CommitIntervalMs) : null;
        if (uncommitted && CommitRetryDueMs is { } retry && retry < commitDue)
        {
            commitDue = retry;
        }

        return commitDue is null || (restartDue is { } r && r < commitDue) ? restartDue : commitDue;
    }
}
