namespace Elsa.Sim.Core;

/// <summary>What happens when a partition's worker crashes more often than its restart budget allows.</summary>
public enum RestartExhaustedPolicy
{
    /// <summary>Fail the whole manager, as an OTP supervisor does when its restart intensity is exceeded.</summary>
    FailGroup,

    /// <summary>Leave the partition without a worker until it is reassigned; the rest of the group goes on.</summary>
    ParkPartition,
}
