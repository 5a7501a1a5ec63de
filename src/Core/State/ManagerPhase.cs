namespace Elsa.Sim.Core;

/// <summary>Where the manager as a whole is in its life.</summary>
public enum ManagerPhase
{
    /// <summary>No assignment received yet, or every partition was revoked.</summary>
    Idle,

    /// <summary>Holds a generation; partitions run, start, restart or revoke.</summary>
    Active,

    /// <summary>Stopping workers before the final commit.</summary>
    ShuttingDown,

    /// <summary>Shut down: every worker stopped, the final commit issued.</summary>
    Stopped,

    /// <summary>Failed: an assignment callback failed or a restart budget ran out under the fail policy.</summary>
    Failed,
}
