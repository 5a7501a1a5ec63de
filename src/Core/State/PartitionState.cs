namespace Elsa.Sim.Core;

/// <summary>What the manager knows about one owned partition. Offsets named <c>…Offset</c> that end in "Acked" or
/// "Delivered" are in Elsa's convention (a message's own offset); <see cref="CommittedOffset"/> and
/// <see cref="CommitSentOffset"/> are in Kafka's (the next offset to read).</summary>
public sealed record PartitionState
{
    /// <summary>The partition.</summary>
    public required TopicPartition Partition { get; init; }

    /// <summary>The generation since which this member has owned the partition without a break; acks tagged with a
    /// generation from here to the current one are this ownership's, older ones are stale.</summary>
    public required int OwnedSinceGeneration { get; init; }

    /// <summary>Where the first worker starts: the committed offset the coordinator reported, else <c>begin_offset</c>.</summary>
    public required StartPosition AssignedPosition { get; init; }

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

    /// <summary>The first message delivered since the partition was assigned or its position reset.</summary>
    public long? FirstDeliveredOffset { get; init; }

    /// <summary>The last message delivered to any worker of this ownership.</summary>
    public long? LastDeliveredOffset { get; init; }

    /// <summary>A position that overrides the usual restart position (set by an offset reset).</summary>
    public StartPosition? ResetPosition { get; init; }

    /// <summary>When a worker may start again after a crash; null when it may start now.</summary>
    public long? RestartDueMs { get; init; }

    /// <summary>When this partition's recent restarts happened, oldest first, for the restart budget.</summary>
    public ValueList<long> RestartTimesMs { get; init; } = ValueList<long>.Empty;

    /// <summary>The offset the next commit would carry (Kafka's convention), or null when acks hold nothing newer than
    /// what was sent.</summary>
    internal long? UncommittedOffset =>
        LastAckedOffset is { } acked && acked + 1 > Math.Max(CommitSentOffset ?? long.MinValue, CommittedOffset ?? long.MinValue)
            ? acked + 1
            : null;

    /// <summary>Whether a worker may start for the partition now, as far as the partition goes (the manager must also be
    /// active with no assignment callback pending).</summary>
    internal bool ReadyToStart(long nowMs) =>
        Phase == PartitionPhase.Starting && StoppingWorker is null && (RestartDueMs is null || RestartDueMs <= nowMs);

    /// <summary>Whether the pending revocation waits for this partition's worker to confirm it stopped.</summary>
    internal bool HoldsUpRevocation => Phase is PartitionPhase.Revoking or PartitionPhase.Lost && StoppingWorker is not null;

    /// <summary>Where a new worker starts: a reset position, else after the last ack, else the first message delivered
    /// (never skipping one that was delivered but not acked), else where the partition was assigned.</summary>
    internal StartPosition NextStartPosition =>
        ResetPosition ??
        (LastAckedOffset is { } acked ? StartPosition.At(acked + 1)
            : FirstDeliveredOffset is { } first ? StartPosition.At(first)
            : AssignedPosition);
}
