namespace Elsa.Sim.Simulation;

/// <summary>The faults the simulator injects. Each seed enables a random subset at random rates (swarm testing), so
/// some runs hammer one fault while others mix many.</summary>
public enum FaultKind
{
    /// <summary>A member process dies without leaving the group; it restarts later as a new member.</summary>
    MemberCrash,

    /// <summary>A member shuts down gracefully (stop workers, commit, leave) and rejoins later.</summary>
    MemberRestart,

    /// <summary>A worker process dies outside its handler.</summary>
    WorkerCrash,

    /// <summary>A handler throws partway through a batch.</summary>
    HandlerException,

    /// <summary>A live member's heartbeats stop reaching the coordinator past the session timeout: it becomes a zombie
    /// that keeps handling and committing until it learns it was fenced.</summary>
    SessionTimeout,

    /// <summary>Several rebalances in quick succession.</summary>
    RebalanceStorm,

    /// <summary>A commit fails with a retriable error and is not applied.</summary>
    CommitFailure,

    /// <summary>A commit is applied but its response is lost: the member sees a retriable error.</summary>
    UnknownCommitOutcome,

    /// <summary>The group coordinator moves: requests fail with retriable errors for a while.</summary>
    CoordinatorMove,

    /// <summary>Retention deletes the head of the log of the partition furthest behind its high watermark, so a consumer
    /// behind it fetches out of range.</summary>
    FetchOutOfRange,

    /// <summary>Acks from a member's workers reach its manager late.</summary>
    AckDelay,

    /// <summary>Acks from a member's workers reach its manager twice.</summary>
    AckDuplicate,

    /// <summary>Acks from a member's workers reach its manager out of order.</summary>
    AckReorder,

    /// <summary>A member's assignment callbacks take long to return.</summary>
    CallbackDelay,

    /// <summary>A handler acks an offset past the end of the log, which no worker can have been given (a bug in user
    /// code); a correct manager ignores it.</summary>
    AckBeyondDelivered,

    /// <summary>A member's handlers throw on half their batches for a while, as they do while a dependency is down: crash
    /// loops, restart budgets, and crashes during recovery (just after a restart or an offset reset).</summary>
    HandlerOutage,

    /// <summary>A topic gains partitions while the group runs (an admin's CreatePartitions): the coordinator rebalances
    /// (classic) or bumps the group epoch (KIP-848) to assign them, and producers write to them from then on.</summary>
    PartitionsAdded,
}
