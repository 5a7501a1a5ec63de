namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>A moment in the simulated world that a scenario (or a handler) waits for, per member
/// (<see cref="Happenings.When"/>). A scenario takes its racing step the moment its cue comes, so that step is enabled
/// exactly while the work it races is under way, and Coyote explores both orders.</summary>
internal enum Cue
{
    /// <summary>One of the member's handlers returned <c>no_ack</c>: its ack is about to go through <c>Ack/5</c>.</summary>
    AckHeld,

    /// <summary>One of the member's handlers began a batch.</summary>
    BatchStarted,

    /// <summary>One of the member's handlers holds the batch it is planned to crash on, and waits for the member's
    /// revocation to throw (<see cref="Handlers.HandlerScript.CrashDuringRevocation"/>).</summary>
    CrashArmed,

    /// <summary>The member's client began a revoke or lost callback.</summary>
    RevocationBegan,

    /// <summary>A commit of the member entered the network.</summary>
    CommitEntered,

    /// <summary>The host paused one of the member's partitions.</summary>
    Paused,
}
