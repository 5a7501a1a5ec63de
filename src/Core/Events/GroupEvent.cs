namespace Elsa.Sim.Core;

/// <summary>Everything that can happen to a group manager, in the past tense. A closed union: the only cases are the
/// nested records below. Events come from the group coordinator, the workers, the user's callbacks and the host's clock;
/// every result of an effect comes back as one of them.</summary>
/// <remarks>Events carry whatever the outside world sent, garbage included (stale generations, unknown workers,
/// negative offsets). The machine answers bad input with a <see cref="GroupEffect.Diagnostic"/> and changes nothing;
/// constructors only reject nulls, which are programming errors.</remarks>
public abstract record GroupEvent
{
    private GroupEvent()
    {
    }

    /// <summary>The coordinator gave this member partitions in a generation. Lists the partitions newly assigned;
    /// partitions already owned and not listed are kept (cooperative rebalancing). A listed partition the member already
    /// owns is taken as a fresh assignment: its old worker is stopped before a new one starts.</summary>
    public sealed record AssignmentsReceived(string MemberId, int GenerationId, ValueList<Assignment> Assignments) : GroupEvent
    {
        /// <summary>The member id the coordinator gave this member.</summary>
        public string MemberId { get; } = MemberId ?? throw new ArgumentNullException(nameof(MemberId));
    }

    /// <summary>The user's assignment-received callback returned for a partition.</summary>
    public sealed record AssignmentHandlerReturned(TopicPartitionId Partition, int GenerationId, CallbackOutcome Outcome) : GroupEvent;

    /// <summary>The coordinator took partitions away in an orderly rebalance: acks may still be committed.</summary>
    public sealed record AssignmentsRevoked(PartitionSelection Partitions) : GroupEvent;

    /// <summary>The member lost partitions without an orderly rebalance (fenced, session timed out): nothing may be
    /// committed for them.</summary>
    public sealed record AssignmentsLost(PartitionSelection Partitions) : GroupEvent;

    /// <summary>A worker the machine asked to stop has stopped.</summary>
    public sealed record WorkerStopped(WorkerId Worker) : GroupEvent;

    /// <summary>A worker ended on its own: it crashed, or returned normally.</summary>
    public sealed record WorkerExited(WorkerId Worker, ExitReason Reason) : GroupEvent;

    /// <summary>A worker started at a symbolic position (<see cref="StartPosition.Earliest"/>, <see cref="StartPosition.Latest"/>,
    /// or an offset reset) found where that is: the next message it reads is <paramref name="Offset"/> (Kafka's
    /// convention). A host reports this before any user code of the worker runs, so the position is known before anything
    /// can fail; from then on a restart of the partition never resolves the symbolic position again.</summary>
    public sealed record WorkerPositioned(WorkerId Worker, long Offset) : GroupEvent;

    /// <summary>A worker's fetch position <paramref name="Offset"/> is outside the partition's log (retention moved the
    /// log start past it, or the log was truncated below it). The worker cannot go on from where it is; the machine
    /// resets the partition per <c>offset_reset_policy</c>. <paramref name="Offset"/> is what the broker refused, or
    /// negative when the client did not say.</summary>
    public sealed record OffsetOutOfRange(WorkerId Worker, long Offset) : GroupEvent;

    /// <summary>The host wrote the poison message at <paramref name="Offset"/> of <paramref name="Partition"/> to the
    /// dead-letter destination (<see cref="GroupEffect.DeadLetter"/>), and the destination acknowledged it: the commit may
    /// move past it.</summary>
    public sealed record DeadLetterWritten(TopicPartitionId Partition, long Offset) : GroupEvent;

    /// <summary>Writing the poison message at <paramref name="Offset"/> of <paramref name="Partition"/> to the dead-letter
    /// destination failed for <paramref name="Reason"/>: the machine tries again after a backoff, and commits nothing past
    /// it meanwhile.</summary>
    public sealed record DeadLetterFailed(TopicPartitionId Partition, long Offset, string Reason) : GroupEvent
    {
        /// <summary>Why the write failed.</summary>
        public string Reason { get; } = Reason ?? throw new ArgumentNullException(nameof(Reason));
    }

    /// <summary>A worker was handed messages <paramref name="FirstOffset"/>..<paramref name="LastOffset"/> (inclusive).
    /// The machine uses this to refuse acks past what was delivered; a delivery to a worker whose symbolic start was never
    /// reported (<see cref="WorkerPositioned"/>) fixes the start at <paramref name="FirstOffset"/>.</summary>
    public sealed record MessagesDelivered(WorkerId Worker, long FirstOffset, long LastOffset) : GroupEvent;

    /// <summary>A message handler acknowledged messages: Elsa's <c>ack/5</c> and <c>ack/2</c>.
    /// <paramref name="Offset"/> is in <b>Elsa's convention</b>, the offset of the last message handled; the commit that
    /// follows carries <c>Offset + 1</c> (see <see cref="PartitionOffset"/>).</summary>
    public sealed record Acked(string Topic, int Partition, int GenerationId, long Offset) : GroupEvent
    {
        /// <summary>The acked topic.</summary>
        public string Topic { get; } = Topic ?? throw new ArgumentNullException(nameof(Topic));
    }

    /// <summary>A commit the machine asked for has an outcome. It answers one <see cref="GroupEffect.CommitOffsets"/>
    /// exactly: the same generation and the same offsets. A result that answers no commit in flight (never sent, already
    /// answered, or altered) is a diagnostic and changes nothing.</summary>
    public sealed record CommitCompleted(int GenerationId, ValueList<PartitionOffset> Offsets, CommitOutcome Outcome) : GroupEvent;

    /// <summary>Time passed. The only source of time the machine has: it drives the commit interval and restart backoff.</summary>
    public sealed record Tick(long NowMs) : GroupEvent;

    /// <summary>The host wants the member to stop: stop the workers, commit, finish.</summary>
    public sealed record ShutdownRequested : GroupEvent;
}

/// <summary>A partition the coordinator assigned, with the offset committed for it (Kafka's convention: the next offset
/// to read), or null when nothing is committed.</summary>
public readonly record struct Assignment(TopicPartitionId Partition, long? CommittedOffset);

/// <summary>Which partitions a revocation or loss concerns.</summary>
public readonly record struct PartitionSelection
{
    private PartitionSelection(bool all, ValueList<TopicPartitionId> partitions)
    {
        IsAll = all;
        Partitions = partitions;
    }

    /// <summary>Every partition the member owns (the eager protocol).</summary>
    public static PartitionSelection All { get; } = new(true, ValueList<TopicPartitionId>.Empty);

    /// <summary>True when the selection means every owned partition.</summary>
    public bool IsAll { get; }

    /// <summary>The partitions named, when <see cref="IsAll"/> is false.</summary>
    public ValueList<TopicPartitionId> Partitions { get; }

    /// <summary>Only the given partitions (the cooperative protocol).</summary>
    public static PartitionSelection Only(ValueList<TopicPartitionId> partitions) => new(false, partitions);

    /// <inheritdoc />
    public override string ToString() => IsAll ? "all" : Partitions.ToString();
}

/// <summary>What a user callback returned: Elsa's <c>:ok</c> or <c>{:error, reason}</c>.</summary>
public readonly record struct CallbackOutcome
{
    private CallbackOutcome(string? error) => Error = error;

    /// <summary>The callback succeeded.</summary>
    public static CallbackOutcome Ok { get; } = new(null);

    /// <summary>The reason the callback failed, or null when it succeeded.</summary>
    public string? Error { get; }

    /// <summary>True when the callback succeeded.</summary>
    public bool IsOk => Error is null;

    /// <summary>The callback failed for <paramref name="reason"/>.</summary>
    public static CallbackOutcome Failed(string reason) => new(reason ?? throw new ArgumentNullException(nameof(reason)));

    /// <inheritdoc />
    public override string ToString() => IsOk ? "ok" : $"error({Error})";
}

/// <summary>Why a worker ended: normally, or by crashing.</summary>
public readonly record struct ExitReason
{
    private ExitReason(string? crash, long? offset)
    {
        Crash = crash;
        Offset = offset;
    }

    /// <summary>The worker returned normally.</summary>
    public static ExitReason Normal { get; } = new(null, null);

    /// <summary>What the crash was, or null for a normal exit.</summary>
    public string? Crash { get; }

    /// <summary>True for a normal exit.</summary>
    public bool IsNormal => Crash is null;

    /// <summary>The message the worker crashed on, when the host can tell (a handler named its poison message, or its batch
    /// held one message); null when it cannot. The dead-letter policy writes only such a message.</summary>
    public long? Offset { get; }

    /// <summary>The worker crashed for <paramref name="reason"/>.</summary>
    public static ExitReason Crashed(string reason) => new(reason ?? throw new ArgumentNullException(nameof(reason)), null);

    /// <summary>The worker crashed for <paramref name="reason"/> on the message at <paramref name="offset"/>.</summary>
    public static ExitReason Crashed(string reason, long offset) => new(reason ?? throw new ArgumentNullException(nameof(reason)), offset);

    /// <inheritdoc />
    public override string ToString() => IsNormal ? "normal" : Offset is { } at ? $"crash at {at}({Crash})" : $"crash({Crash})";
}

/// <summary>How a commit ended.</summary>
public enum CommitOutcome
{
    /// <summary>The coordinator stored the offsets.</summary>
    Success,

    /// <summary>A transient failure (coordinator moving or unavailable, timeout): the offsets may be sent again.</summary>
    RetriableError,

    /// <summary>The coordinator refused the member's generation (illegal generation, unknown member, rebalance in
    /// progress): the offsets must not be sent again in this generation.</summary>
    Fenced,
}
