namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>A generated test case for the pure core: machine settings and a list of <see cref="Intent"/>s. Intents are
/// resolved against the machine's state while the script replays (<see cref="ScriptRunner"/>), so "ack what the live
/// worker was delivered" stays meaningful however the script was shrunk.</summary>
public sealed record EventScript(ScriptSettings Settings, ValueList<Intent> Intents)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"{Settings}{Environment.NewLine}  intents: {string.Join(", ", Intents.Items)}";
}

/// <summary>The configuration knobs that change the machine's behaviour; everything else is the tests' default.</summary>
public sealed record ScriptSettings(
    bool DirectAck,
    long CommitIntervalMs,
    StartPosition BeginOffset,
    OffsetResetPolicy ResetPolicy,
    long BackoffMs,
    int MaxRestarts,
    RestartExhaustedPolicy WhenExhausted)
{
    /// <summary>The group configuration these settings describe.</summary>
    public GroupConfig ToConfig() => new()
    {
        Group = "group-1",
        Topics = ValueList.Of("orders", "payments"),
        DirectAck = DirectAck,
        CommitIntervalMs = CommitIntervalMs,
        Config = new ElsaConsumerConfig { BeginOffset = BeginOffset, OffsetResetPolicy = ResetPolicy },
        Restart = new RestartConfig { BackoffMs = BackoffMs, MaxBackoffMs = Math.Max(BackoffMs, 1_000), MaxRestarts = MaxRestarts, WhenExhausted = WhenExhausted },
    };

    /// <inheritdoc />
    public override string ToString() =>
        $"settings: directAck={DirectAck} commitIntervalMs={CommitIntervalMs} begin={BeginOffset} reset={ResetPolicy} " +
        $"backoffMs={BackoffMs} maxRestarts={MaxRestarts} whenExhausted={WhenExhausted}";
}

/// <summary>What the outside world does next, said relative to the machine's state ("the live worker", "the commit in
/// flight"), or plain garbage. A closed union; <see cref="ScriptRunner"/> turns each into one concrete event.</summary>
public abstract record Intent
{
    private Intent()
    {
    }

    /// <summary>The most natural next step: answer the callback under way, confirm a stop, deliver, ack, complete a
    /// commit, wait for a restart, assign when idle, or let the commit interval pass.</summary>
    public sealed record Progress(int Pick) : Intent;

    /// <summary>The coordinator assigns the partitions of <paramref name="PartitionMask"/> (bits over
    /// <see cref="ScriptRunner.Universe"/>) in the last generation plus <paramref name="GenerationStep"/> (0 or less is
    /// stale). <paramref name="CommittedSeed"/> picks each committed offset, garbage included; <paramref name="Malformed"/>
    /// adds invalid and duplicated partitions.</summary>
    public sealed record Assign(int GenerationStep, int PartitionMask, long CommittedSeed, bool Malformed) : Intent;

    /// <summary>The assignment callback under way returns; if none is (or <paramref name="Awaited"/> is false), a result
    /// nobody waits for arrives.</summary>
    public sealed record AnswerCallback(bool Ok, bool Awaited, int Pick) : Intent;

    /// <summary>A worker (live, or stopping) is handed messages.</summary>
    public sealed record Deliver(DeliveryKind Kind, int Pick, int Count, bool ToStopping) : Intent;

    /// <summary>A handler acks, well or badly.</summary>
    public sealed record Ack(AckKind Kind, int Pick, long Amount) : Intent;

    /// <summary>Time passes (or goes backwards).</summary>
    public sealed record Tick(TickKind Kind, long Amount) : Intent;

    /// <summary>A commit in flight completes, maybe twisted (duplicated, wrong generation, wrong offsets); with none in
    /// flight, a result for a commit never sent.</summary>
    public sealed record CompleteCommit(int Pick, CommitOutcome Outcome, CommitTwist Twist) : Intent;

    /// <summary>A stopping worker confirms it stopped (in any order); with none stopping, a live or dead worker does.</summary>
    public sealed record ConfirmStop(int Pick) : Intent;

    /// <summary>A worker ends on its own, crashing or not; a crash names the message it was on when <paramref name="Pick"/>
    /// says so (mostly the first unacknowledged one, sometimes a later one).</summary>
    public sealed record Exit(int Pick, bool Crash, bool Stopping) : Intent;

    /// <summary>The dead-letter destination answers a write under way (<paramref name="Written"/> or failed), or
    /// (<paramref name="Stale"/>) answers a write that is not under way.</summary>
    public sealed record DeadLetterResult(int Pick, bool Written, bool Stale) : Intent;

    /// <summary>A worker's position is out of range.</summary>
    public sealed record OutOfRange(int Pick, bool Stopping) : Intent;

    /// <summary>A worker reports where its start landed: a live one awaiting that report, or (<paramref name="Garbage"/>)
    /// one that is not, a stopping or dead one, or a negative offset.</summary>
    public sealed record Position(int Pick, bool Garbage) : Intent;

    /// <summary>A revocation or loss: of everything, or of the owned partitions in <paramref name="PartitionMask"/> (bit 6
    /// adds a partition not owned, bit 7 names the first one twice).</summary>
    public sealed record Revoke(bool Lost, bool All, int PartitionMask) : Intent;

    /// <summary>The host asks the member to stop.</summary>
    public sealed record Shutdown : Intent;

    /// <summary>An event about a worker id that is not running: never issued, dead, negative, or huge.</summary>
    public sealed record StrangeWorker(WorkerEventKind Event, WorkerIdKind Id, long Number) : Intent;

    /// <summary>An event sent before is sent again: a duplicate, arriving out of order.</summary>
    public sealed record Repeat(int Back) : Intent;
}

/// <summary>How a delivery relates to what the worker already received.</summary>
public enum DeliveryKind
{
    /// <summary>The next messages after the last delivered (or after the start position).</summary>
    Next,

    /// <summary>Messages after a gap.</summary>
    Gap,

    /// <summary>Messages already delivered, again.</summary>
    Redelivery,

    /// <summary>Negative, reversed or overflowing offsets.</summary>
    Malformed,
}

/// <summary>The kinds of ack a script makes.</summary>
public enum AckKind
{
    /// <summary>Above what was acked or committed and at most what was delivered, in a generation of this ownership.</summary>
    Valid,

    /// <summary>Exactly the last delivered offset.</summary>
    LastDelivered,

    /// <summary>At or below what was already acked.</summary>
    Backwards,

    /// <summary>Past what was delivered.</summary>
    PastDelivered,

    /// <summary>Tagged with a generation before this ownership began.</summary>
    StaleGeneration,

    /// <summary>Tagged with a generation after the current one.</summary>
    FutureGeneration,

    /// <summary>A negative offset, down to <see cref="long.MinValue"/>.</summary>
    Negative,

    /// <summary><see cref="long.MaxValue"/> or just below.</summary>
    Huge,

    /// <summary>For a partition this member does not own.</summary>
    UnknownPartition,
}

/// <summary>How far a tick moves time.</summary>
public enum TickKind
{
    /// <summary>Less than a second.</summary>
    Small,

    /// <summary>Past the commit interval.</summary>
    CommitInterval,

    /// <summary>To the earliest restart due, if any.</summary>
    ToRestart,

    /// <summary>To the machine's next deadline (a commit, a commit retry or a restart), if any.</summary>
    ToDeadline,

    /// <summary>Back in time.</summary>
    Backwards,

    /// <summary>Far ahead, up to <see cref="long.MaxValue"/>.</summary>
    Far,
}

/// <summary>How a commit result differs from the commit it answers.</summary>
public enum CommitTwist
{
    /// <summary>Exactly the commit; it is no longer in flight.</summary>
    None,

    /// <summary>Exactly the commit, but it stays in flight, so it may complete again.</summary>
    Duplicate,

    /// <summary>Tagged one generation older.</summary>
    OlderGeneration,

    /// <summary>Tagged one generation newer.</summary>
    NewerGeneration,

    /// <summary>Offsets one higher than sent.</summary>
    OffsetsHigher,

    /// <summary>Offsets lower than sent.</summary>
    OffsetsLower,

    /// <summary>An outcome that is not one of the enum's values.</summary>
    UnknownOutcome,
}

/// <summary>Which event a <see cref="Intent.StrangeWorker"/> sends.</summary>
public enum WorkerEventKind
{
    /// <summary><see cref="GroupEvent.WorkerStopped"/>.</summary>
    Stopped,

    /// <summary><see cref="GroupEvent.WorkerExited"/>.</summary>
    Exited,

    /// <summary><see cref="GroupEvent.OffsetOutOfRange"/>.</summary>
    OutOfRange,

    /// <summary><see cref="GroupEvent.MessagesDelivered"/>.</summary>
    Delivered,
}

/// <summary>Which id a <see cref="Intent.StrangeWorker"/> names.</summary>
public enum WorkerIdKind
{
    /// <summary>The id the machine will give its next worker.</summary>
    NotYetIssued,

    /// <summary>A worker that already confirmed it stopped (or, if none did, one never issued).</summary>
    Dead,

    /// <summary>Zero or negative, down to <see cref="long.MinValue"/>.</summary>
    NonPositive,

    /// <summary>Far beyond anything issued, up to <see cref="long.MaxValue"/>.</summary>
    Huge,
}
