namespace Elsa.Sim.Simulation;

/// <summary>One thing the bounded world can do next: the coordinator assigning, a message produced, an event delivered
/// to a member's manager, a worker or handler doing its next step, a commit answered, or a fault. A path of actions from
/// the initial world is a schedule the checker can replay.</summary>
/// <param name="Kind">What happens.</param>
/// <param name="Member">The member it happens to; -1 for the coordinator and the logs.</param>
/// <param name="Index">The assignment's number (<see cref="ActionKind.Assign"/>), the partition
/// (<see cref="ActionKind.Produce"/>, <see cref="ActionKind.Retention"/>), or the worker's place in the member's list; -1 otherwise.</param>
internal readonly record struct WorldAction(ActionKind Kind, int Member = -1, int Index = -1)
{
    /// <summary>Whether it spends one of the world's faults.</summary>
    public bool IsFault => Kind >= ActionKind.Rebalance;
}

/// <summary>The kinds of <see cref="WorldAction"/>. Faults come last.</summary>
internal enum ActionKind
{
    /// <summary>The coordinator ends a rebalance with an assignment of the partitions to the members in the group (every
    /// one it could make is tried).</summary>
    Assign,

    /// <summary>A producer appends the next message to a partition.</summary>
    Produce,

    /// <summary>A member sees the revocation of all its partitions (<c>AssignmentsRevoked(all)</c>).</summary>
    DeliverRevocation,

    /// <summary>An expelled member learns it lost all its partitions (<c>AssignmentsLost(all)</c>).</summary>
    DeliverLoss,

    /// <summary>A member sees its assignment (<c>AssignmentsReceived</c>).</summary>
    DeliverAssignment,

    /// <summary>The assignment callback returns ok.</summary>
    ReturnCallback,

    /// <summary>Time jumps to the member's next deadline (<c>Tick</c>).</summary>
    Tick,

    /// <summary>A worker started at a symbolic position finds where it is (<c>WorkerPositioned</c>).</summary>
    PositionWorker,

    /// <summary>A worker fetches the next message and hands it over (<c>MessagesDelivered</c>).</summary>
    DeliverMessage,

    /// <summary>A handler handles the next delivered message and acks it; the ack travels to the manager on its own.</summary>
    HandleMessage,

    /// <summary>The manager sees the oldest ack in flight (<c>Acked</c>).</summary>
    DeliverAck,

    /// <summary>A worker asked to stop confirms it (<c>WorkerStopped</c>).</summary>
    ConfirmStop,

    /// <summary>A worker's next offset is below its log's start (retention deleted it): the fetch fails and the host
    /// reports it (<c>OffsetOutOfRange</c>).</summary>
    OutOfRange,

    /// <summary>The coordinator answers the oldest commit in flight: stored, or fenced when the member or its generation
    /// is not the current one (<c>CommitCompleted</c>).</summary>
    AnswerCommit,

    /// <summary>Fault: the coordinator starts a rebalance (every member in the group gets a revocation).</summary>
    Rebalance,

    /// <summary>Fault: the coordinator expels a member (session timeout) and rebalances the others.</summary>
    Expel,

    /// <summary>Fault: a worker crashes (<c>WorkerExited</c>).</summary>
    CrashWorker,

    /// <summary>Fault: a handler acks the message after the last one its member's ownership was given (a bogus ack).</summary>
    BogusAck,

    /// <summary>Fault: the oldest commit in flight fails with a retriable error.</summary>
    FailCommit,

    /// <summary>Fault: the host shuts a member down (<c>ShutdownRequested</c>); it leaves the group once stopped.</summary>
    Shutdown,

    /// <summary>Fault: retention deletes a partition's whole log: its start moves to the high watermark.</summary>
    Retention,
}
