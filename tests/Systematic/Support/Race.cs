namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>The race a scenario is built to provoke. The simulated world notes each race the moment it happens
/// (<see cref="Happenings.Saw"/>); each scenario test counts the iterations in which its own race happened
/// (<see cref="RaceTally"/>) and fails if there were none, since a scenario that never provokes its race proves nothing
/// about it.</summary>
internal enum Race
{
    /// <summary>An ack went through <c>Ack/5</c> while the acking member's revoke callback was running.</summary>
    AckDuringRevocation,

    /// <summary>A handler threw while its member's revoke callback was running.</summary>
    CrashDuringRevocation,

    /// <summary>A commit reached the coordinator after the group had moved to a generation its member had not joined
    /// yet, so it was fenced.</summary>
    CommitFencedByNewGeneration,

    /// <summary>A member was asked to stop while one of its handlers had a batch in hand.</summary>
    StopDuringBatch,

    /// <summary>A member's group manager failed it while a rebalance round was under way at the coordinator.</summary>
    FailureWithRebalanceQueued,

    /// <summary>A member's session expired while one of its commits was in the network.</summary>
    LossDuringCommit,

    /// <summary>A revocation of a member began while one of its handlers had a batch in hand.</summary>
    RevocationDuringBatch,

    /// <summary>The host paused or resumed one of a member's partitions, from a thread other than the consume thread,
    /// while the member's revoke callback was running.</summary>
    PauseOrResumeDuringRevocation,

    /// <summary>A commit reached the coordinator stamped with a member epoch the coordinator had moved past (KIP-848), so
    /// it was refused as stale.</summary>
    CommitRefusedForStaleEpoch,
}
