namespace Elsa.Sim.Core;

/// <summary>What the machine asks its host to do, in the imperative. A closed union: the only cases are the nested
/// records below. A host executes a step's effects in order; each result comes back as a <see cref="GroupEvent"/>.</summary>
public abstract record GroupEffect
{
    private GroupEffect()
    {
    }

    /// <summary>Call the user's assignment-received callback for one partition, then report
    /// <see cref="GroupEvent.AssignmentHandlerReturned"/>. The machine asks for one at a time, in partition order, and
    /// stops at the first error, as Elsa does.</summary>
    public sealed record InvokeAssignmentReceived(TopicPartitionId Partition, int GenerationId) : GroupEffect;

    /// <summary>Call the user's assignments-revoked callback. Issued after the revoked partitions' workers stopped and
    /// their acks were committed.</summary>
    public sealed record InvokeAssignmentsRevoked(ValueList<TopicPartitionId> Partitions) : GroupEffect;

    /// <summary>Start a worker for a partition at a position. Report <see cref="GroupEvent.MessagesDelivered"/> as it
    /// receives messages, and <see cref="GroupEvent.WorkerExited"/> if it ends on its own.</summary>
    public sealed record StartWorker(WorkerId Worker, TopicPartitionId Partition, int GenerationId, StartPosition Position) : GroupEffect;

    /// <summary>Stop a worker, then report <see cref="GroupEvent.WorkerStopped"/>.</summary>
    public sealed record StopWorker(WorkerId Worker) : GroupEffect;

    /// <summary>Commit offsets in <b>Kafka's convention</b> (next offset to read), then report
    /// <see cref="GroupEvent.CommitCompleted"/> with the same generation and offsets.</summary>
    public sealed record CommitOffsets(int GenerationId, ValueList<PartitionOffset> Offsets) : GroupEffect;

    /// <summary>Write the poison message at <paramref name="Offset"/> of <paramref name="Partition"/> (the message its
    /// worker kept crashing on, <paramref name="Reason"/> the last crash) to the dead-letter destination, then report
    /// <see cref="GroupEvent.DeadLetterWritten"/> once the destination acknowledged it, or
    /// <see cref="GroupEvent.DeadLetterFailed"/>.</summary>
    public sealed record DeadLetter(TopicPartitionId Partition, long Offset, string Reason) : GroupEffect;

    /// <summary>The revocation of these partitions is finished: the host may let the rebalance go on.</summary>
    public sealed record CompleteRevocation(ValueList<TopicPartitionId> Partitions) : GroupEffect;

    /// <summary>Shutdown is finished: every worker stopped and the last commit was issued.</summary>
    public sealed record CompleteShutdown : GroupEffect;

    /// <summary>Something a user or operator should know: mostly input from outside that was wrong or out of date and was
    /// ignored (the state did not change because of it), or a recovery the machine made (a crash restarted, an offset
    /// reset, a commit retried). <paramref name="Detail"/> is for people; the facts below are for code (metrics, health,
    /// tests) and name what the diagnostic is about, where it applies.</summary>
    public sealed record Diagnostic(DiagnosticKind Kind, string Detail) : GroupEffect
    {
        /// <summary>The partitions concerned, in the order the event named them; empty when none is.</summary>
        public ValueList<TopicPartitionId> Partitions { get; init; } = ValueList<TopicPartitionId>.Empty;

        /// <summary>The generation the event was tagged with, when it carried one.</summary>
        public int? GenerationId { get; init; }

        /// <summary>The worker concerned, when one is.</summary>
        public WorkerId? Worker { get; init; }

        /// <summary>The offset the event named: an ack's (Elsa's convention), a delivery's first, a position or a reset's
        /// target (Kafka's convention).</summary>
        public long? Offset { get; init; }

        /// <summary>For <see cref="DiagnosticKind.OffsetReset"/>: how many offsets the reset skipped, from the position
        /// that was out of range to where the reset landed (zero when it moved back; null when the client did not say
        /// where the position was).</summary>
        public long? SkippedOffsets { get; init; }
    }

    /// <summary>The manager cannot go on (an assignment callback failed, a restart budget was spent under the fail
    /// policy). Every live worker was asked to stop in the same step.</summary>
    public sealed record Fail(string Reason) : GroupEffect;
}

/// <summary>The kinds of <see cref="GroupEffect.Diagnostic"/>.</summary>
public enum DiagnosticKind
{
    /// <summary>An ack for a generation in which the partition was not continuously owned.</summary>
    StaleAck,

    /// <summary>An ack that is malformed: negative offset, unknown partition, or past what was delivered.</summary>
    InvalidAck,

    /// <summary>An ack at or below what was already acked or committed.</summary>
    AckNotAhead,

    /// <summary>A message about a worker id that is not live (a dead worker's late message).</summary>
    UnknownWorker,

    /// <summary>A callback result for a partition or generation no longer waiting for it.</summary>
    StaleCallback,

    /// <summary>A commit result that answers no commit in flight (never sent, already answered, or altered), or names
    /// partitions no longer owned in its generation.</summary>
    StaleCommitResult,

    /// <summary>A commit failed and will be retried.</summary>
    CommitRetry,

    /// <summary>A commit was fenced; its offsets are dropped.</summary>
    CommitFenced,

    /// <summary>An assignment that is out of date or malformed.</summary>
    InvalidAssignment,

    /// <summary>A revocation or loss that names partitions this member does not own.</summary>
    UnknownPartition,

    /// <summary>A worker crashed and will be restarted.</summary>
    WorkerCrashed,

    /// <summary>A partition's restart budget is spent and the park policy left it without a worker.</summary>
    PartitionParked,

    /// <summary>A worker's fetch position was out of range: the worker stops and the partition restarts at the position
    /// the offset reset policy names.</summary>
    OffsetOutOfRange,

    /// <summary>An offset reset landed: the partition now reads from where the reset policy's position resolved to, and
    /// restarts never go below it (<see cref="GroupEffect.Diagnostic.SkippedOffsets"/> counts what it skipped).</summary>
    OffsetReset,

    /// <summary>A worker reported where its start landed when no report was awaited: its start was an explicit offset, it
    /// reported already, or the offset is malformed.</summary>
    UnexpectedPosition,

    /// <summary>An event that does not apply in the manager's current phase.</summary>
    IgnoredEvent,

    /// <summary>A tick whose time is earlier than the last one.</summary>
    TimeWentBackwards,

    /// <summary>A partition's restart budget is spent and the dead-letter policy is writing the message its worker kept
    /// crashing on to the dead-letter destination.</summary>
    DeadLettering,

    /// <summary>The dead-letter destination acknowledged a poison message: the partition goes on after it, and the commit
    /// may move past it.</summary>
    DeadLettered,

    /// <summary>Writing a poison message to the dead-letter destination failed; it is tried again after a backoff.</summary>
    DeadLetterFailed,
}
