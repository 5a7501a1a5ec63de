namespace Elsa.Sim.Core;

/// <summary>Where one owned partition is in its life.</summary>
public enum PartitionPhase
{
    /// <summary>Waiting for the user's assignment-received callback to return for it.</summary>
    AwaitingCallback,

    /// <summary>Ready for a worker: waits for every callback of the assignment, for an old worker to stop, or for a
    /// restart backoff to pass.</summary>
    Starting,

    /// <summary>A worker is live.</summary>
    Running,

    /// <summary>The restart budget is spent and the park policy left it without a worker.</summary>
    Parked,

    /// <summary>Revoked in an orderly rebalance: its worker is stopping; its acks will be committed.</summary>
    Revoking,

    /// <summary>Lost: its worker is stopping; nothing will be committed for it.</summary>
    Lost,

    /// <summary>The restart budget is spent and the dead-letter policy is writing the poison message
    /// (<see cref="PartitionState.DeadLetter"/>); no worker runs until the destination acknowledged it.</summary>
    DeadLettering,
}
