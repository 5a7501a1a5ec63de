namespace Elsa.Sim.Core;

/// <summary>Where a worker goes when its position is out of range (brod's and Elsa's <c>offset_reset_policy</c>).</summary>
public enum OffsetResetPolicy
{
    /// <summary><c>:reset_to_earliest</c>: the oldest message the broker still has.</summary>
    ResetToEarliest,

    /// <summary><c>:reset_to_latest</c>: the next message produced.</summary>
    ResetToLatest,
}
