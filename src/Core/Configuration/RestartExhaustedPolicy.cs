namespace Elsa.Sim.Core;

/// <summary>What happens when a partition's worker crashes more often than its restart budget allows.</summary>
public enum RestartExhaustedPolicy
{
    /// <summary>Fail the whole manager, as an OTP supervisor does when its restart intensity is exceeded.</summary>
    FailGroup,

    /// <summary>Leave the partition without a worker until it is reassigned; the rest of the group goes on.</summary>
    ParkPartition,

    /// <summary>Write the message the worker kept crashing on to a dead-letter destination, and once the destination
    /// acknowledged it, go on after it with a fresh budget; the commit moves past the message only then. Needs a host that
    /// can tell which message a crash was on (see <see cref="ExitReason.Offset"/>); when it cannot, the partition is
    /// parked instead, saying why.</summary>
    DeadLetter,
}
