namespace Elsa.Sim.Simulation;

/// <summary>What the simulated coordinator answers to a join or heartbeat, reduced to the error codes that change what a
/// member does next.</summary>
internal enum CoordinatorResponse
{
    /// <summary>Accepted.</summary>
    Ok,

    /// <summary>NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE: try again later.</summary>
    Retriable,

    /// <summary>REBALANCE_IN_PROGRESS: rejoin.</summary>
    RebalanceInProgress,

    /// <summary>ILLEGAL_GENERATION: rejoin.</summary>
    IllegalGeneration,

    /// <summary>UNKNOWN_MEMBER_ID: the member was fenced; its partitions are lost; rejoin as a new member.</summary>
    UnknownMember,
}
