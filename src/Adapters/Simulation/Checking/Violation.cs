using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A broken safety or liveness property, found during or at the end of a run.</summary>
/// <param name="Kind">Which property (see <see cref="ViolationKinds"/>, or <c>invariant:&lt;name&gt;</c> for the core's).</param>
/// <param name="AtMs">When it was found, in virtual ms.</param>
/// <param name="Detail">What exactly was wrong: partition, member, generation, offsets.</param>
public sealed record Violation(string Kind, long AtMs, string Detail)
{
    /// <summary>The members it is about (their indexes in the run).</summary>
    public ValueList<int> Members { get; init; } = ValueList<int>.Empty;

    /// <summary>The partitions it is about.</summary>
    public ValueList<TopicPartitionId> Partitions { get; init; } = ValueList<TopicPartitionId>.Empty;

    /// <inheritdoc />
    public override string ToString() => $"{Kind} at {AtMs} ms: {Detail}";
}

/// <summary>The history checker's properties, in Jepsen's terms. The core's own invariants are reported as
/// <c>invariant:&lt;name&gt;</c>.</summary>
public static class ViolationKinds
{
    /// <summary>Once faults stop, an offset below the high watermark (and still in the log) was never handled.</summary>
    public const string LostMessage = "lost-message";

    /// <summary>Once faults stop, a partition was neither drained (committed up to its high watermark) by the end of the
    /// quiet window nor owned and progressing at its end.</summary>
    public const string Liveness = "liveness";

    /// <summary>A commit covered an offset the committing ownership had not handled (a commit past a gap, or before
    /// the handler ran).</summary>
    public const string CommitPastUnhandled = "commit-past-unhandled";

    /// <summary>The coordinator's committed offset for a partition went down.</summary>
    public const string CommitBackwards = "commit-backwards";

    /// <summary>The coordinator accepted a commit for a partition another member owns in the current generation.</summary>
    public const string CommitByNonOwner = "commit-by-non-owner";

    /// <summary>A message was handled again with no crash, revocation, loss or failed commit since it was first handled.</summary>
    public const string DuplicateWithoutCause = "duplicate-without-cause";

    /// <summary>A worker handled a message below the offset its ownership started from (a duplicate below the last commit).</summary>
    public const string HandledBelowCommit = "handled-below-commit";

    /// <summary>A member ran two live handlers for one partition, or two members did while neither was expelled or failing.</summary>
    public const string TwoLiveWorkers = "two-live-workers";

    /// <summary>A member committed a partition after losing it.</summary>
    public const string CommitAfterLoss = "commit-after-loss";

    /// <summary>A member sent a commit for a partition after its revocation (or loss) completed.</summary>
    public const string CommitAfterRevocation = "commit-after-revocation";

    /// <summary>A revocation completed without committing acks that arrived before it completed.</summary>
    public const string RevocationDroppedAcks = "revocation-dropped-acks";

    /// <summary>A worker handed a batch to its handler (or started a handler) after its member's ownership of the partition
    /// had ended (the revocation or loss completed).</summary>
    public const string HandledAfterRevocation = "handled-after-revocation";

    /// <summary>A member's consumer failed though its group manager did not fail it (a rebalance that timed out, a
    /// consume loop that broke).</summary>
    public const string MemberFailed = "member-failed";

    /// <summary>A group manager believes an offset is committed that the coordinator does not hold (it took a refused
    /// commit as done).</summary>
    public const string CommitNotStored = "commit-not-stored";

    /// <summary>A member's stop returned cleanly while one of its handlers still ran, or a member that was not failing
    /// cancelled a handler mid-batch.</summary>
    public const string HandlerOutlivedStop = "handler-outlived-stop";

    /// <summary>A message was dead-lettered though its partition's restart budget was not spent.</summary>
    public const string DeadLetteredEarly = "dead-lettered-early";

    /// <summary>Work left the simulator's thread (a handler's <c>Task.Run</c>, <c>ConfigureAwait(false)</c>, a real timer
    /// or real I/O): the run is no longer a function of its seed.</summary>
    public const string Nondeterminism = "nondeterminism";

    /// <summary>The machine threw something other than an invariant violation.</summary>
    public const string Crash = "machine-crash";
}
