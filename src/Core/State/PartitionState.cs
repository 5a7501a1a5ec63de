namespace Elsa.Sim.Core;

/// <summary>What the manager knows about one owned partition. Offsets named <c>…Offset</c> that end in "Acked" or
/// "Delivered" are in Elsa's convention (a message's own offset); <see cref="CommittedOffset"/> and
/// <see cref="CommitSentOffset"/> are in Kafka's (the next offset to read).</summary>
public sealed record PartitionState
{
    /// <summary>The partition.</summary>
    public required TopicPartitionId Partition { get; init; }

    /// <summary>The generation since which this member has owned the partition without a break; acks tagged with a
    /// generation from here to the current one are this ownership's, older ones are stale.</summary>
    public required int OwnedSinceGeneration { get; init; }

    /// <summary>Where the first worker starts: the committed offset the coordinator reported, else <c>begin_offset</c>.</summary>
    public required StartPosition AssignedPosition { get; init; }

    /// <summary>The restart floor: the concrete offset this ownership's reading starts from (Kafka's convention). It is the
    /// committed offset or an explicit <c>begin_offset</c> from the assignment on; for a symbolic start (earliest, latest)
    /// it is set once, when the worker reports where that landed (<see cref="GroupEvent.WorkerPositioned"/>, or its first
    /// delivery). Only an offset reset moves it afterwards. A restart goes to the last ack + 1, never below this; null only
    /// while a symbolic start has not been resolved.</summary>
    public long? RestartFloorOffset { get; init; }

    /// <summary>The highest restart floor that came from resolving <c>latest</c>. It is committed like an ack (it is one
    /// past everything this ownership chose not to read), because another owner would resolve <c>latest</c> again further
    /// on, past whatever was produced in between. Never decreases, so commits never go back. (A resolved <c>earliest</c>
    /// can only move past what retention deleted, and an explicit offset does not move: neither needs a commit.)</summary>
    public long? CommitFloorOffset { get; init; }

    /// <summary>An offset reset under way: the live (or next) worker starts at the policy's symbolic position, and the
    /// floor moves to where that resolves.</summary>
    public PendingReset? Reset { get; init; }

    /// <summary>The phase.</summary>
    public required PartitionPhase Phase { get; init; }

    /// <summary>The live worker, if any.</summary>
    public WorkerId? Worker { get; init; }

    /// <summary>A worker asked to stop that has not confirmed yet. No new worker starts while it is set.</summary>
    public WorkerId? StoppingWorker { get; init; }

    /// <summary>The offset the coordinator confirmed (Kafka's convention).</summary>
    public long? CommittedOffset { get; init; }

    /// <summary>The highest offset sent in a commit (Kafka's convention); at least <see cref="CommittedOffset"/>.</summary>
    public long? CommitSentOffset { get; init; }

    /// <summary>The last message handled, as acked (Elsa's convention).</summary>
    public long? LastAckedOffset { get; init; }

    /// <summary>The last message delivered to any worker of this ownership.</summary>
    public long? LastDeliveredOffset { get; init; }

    /// <summary>The poison message being dead-lettered, while <see cref="Phase"/> is
    /// <see cref="PartitionPhase.DeadLettering"/>; null otherwise.</summary>
    public PendingDeadLetter? DeadLetter { get; init; }

    /// <summary>When a worker may start again after a crash, or a failed dead-letter write is tried again; null when it may
    /// start now.</summary>
    public long? RestartDueMs { get; init; }

    /// <summary>When this partition's recent restarts happened, oldest first, for the restart budget.</summary>
    public ValueList<long> RestartTimesMs { get; init; } = ValueList<long>.Empty;

    /// <summary>The offset the next commit would carry (Kafka's convention): one past the last ack, or the restart floor
    /// when that is higher and came from <c>latest</c> (<see cref="CommitFloorOffset"/>); null when that is nothing newer than
    /// what was sent.</summary>
    internal long? UncommittedOffset
    {
        get
        {
            var committable = Math.Max(LastAckedOffset is { } acked ? acked + 1 : -1, CommitFloorOffset ?? -1);
            return committable >= 0 && committable > Math.Max(CommitSentOffset ?? -1, CommittedOffset ?? -1) ? committable : null;
        }
    }

    /// <summary>Whether a worker may start for the partition now, as far as the partition goes (the manager must also be
    /// active with no assignment callback pending).</summary>
    internal bool ReadyToStart(long nowMs) =>
        Phase == PartitionPhase.Starting && StoppingWorker is null && (RestartDueMs is null || RestartDueMs <= nowMs);

    /// <summary>Whether a failed dead-letter write is due to be tried again (the manager must also be active with no
    /// assignment callback pending).</summary>
    internal bool DeadLetterRetryDue(long nowMs) =>
        Phase == PartitionPhase.DeadLettering && DeadLetter is { InFlight: false } && (RestartDueMs is null || RestartDueMs <= nowMs);

    /// <summary>Whether the pending revocation waits for this partition's worker to confirm it stopped.</summary>
    internal bool HoldsUpRevocation => Phase is PartitionPhase.Revoking or PartitionPhase.Lost && StoppingWorker is not null;

    /// <summary>Whether the live worker started at a symbolic position that has not been resolved yet: its report
    /// (<see cref="GroupEvent.WorkerPositioned"/>) or first delivery fixes the floor.</summary>
    internal bool AwaitsPosition => Worker is not null && (Reset is not null || RestartFloorOffset is null);

    /// <summary>Where a new worker starts: the reset's position while a reset is under way; else after the last ack, but
    /// never below the floor (never skipping a message delivered but not acked, never resolving a symbolic position
    /// twice); else the floor; else, before anything was resolved, where the partition was assigned.</summary>
    internal StartPosition NextStartPosition =>
        Reset is { } reset ? reset.Position
        : LastAckedOffset is { } acked ? StartPosition.At(Math.Max(acked + 1, RestartFloorOffset ?? 0))
        : RestartFloorOffset is { } floor ? StartPosition.At(floor)
        : AssignedPosition;
}

/// <summary>An offset reset under way (<see cref="GroupEvent.OffsetOutOfRange"/>): the policy's symbolic
/// <paramref name="Position"/>, and the fetch position <paramref name="FromOffset"/> the broker refused (null when the
/// client did not say), from which the skipped offsets are counted once the reset lands.</summary>
/// <param name="Position">Where the offset reset policy sends the partition: earliest or latest.</param>
/// <param name="FromOffset">The position that was out of range, or null.</param>
public readonly record struct PendingReset(StartPosition Position, long? FromOffset);

/// <summary>A poison message being written to the dead-letter destination (<see cref="GroupEffect.DeadLetter"/>).</summary>
/// <param name="Offset">The poison message's offset.</param>
/// <param name="Reason">The crash that spent the budget, as the effect carries it.</param>
/// <param name="InFlight">Whether a write is under way; false after a failure, until the retry.</param>
public readonly record struct PendingDeadLetter(long Offset, string Reason, bool InFlight);
