namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>The outside world's mistakes the machine must ignore (a <see cref="GroupEffect.Diagnostic"/> and no state
/// change), stated from the design and the machine's theory of operation, independently of its code.</summary>
public static class IgnoreRules
{
    /// <summary>An offset must leave room for Kafka's "offset + 1".</summary>
    public const long MaxOffset = long.MaxValue - 1;

    /// <summary>Whether <paramref name="event"/> is bad input in <paramref name="state"/>.</summary>
    public static bool MustBeIgnored(GroupEvent @event, GroupState state)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentNullException.ThrowIfNull(state);
        return @event switch
        {
            GroupEvent.AssignmentsReceived e =>
                state.Phase is ManagerPhase.Failed or ManagerPhase.ShuttingDown or ManagerPhase.Stopped ||
                (state.LastGenerationId is { } last && e.GenerationId <= last),
            GroupEvent.AssignmentHandlerReturned e => state.CallbackInFlight != (e.Partition, e.GenerationId),
            GroupEvent.AssignmentsRevoked or GroupEvent.AssignmentsLost => false,
            GroupEvent.WorkerStopped e => !state.Workers.ContainsKey(e.Worker),
            GroupEvent.WorkerExited e => !state.Workers.ContainsKey(e.Worker),
            GroupEvent.WorkerPositioned e => PositionIgnored(state, e),
            GroupEvent.OffsetOutOfRange e => LivePartition(state, e.Worker) is null,
            GroupEvent.MessagesDelivered e => DeliveryIgnored(state, e),
            GroupEvent.Acked e => AckIgnored(state, e),
            GroupEvent.CommitCompleted e => !state.CommitsInFlight.Contains(new GroupEffect.CommitOffsets(e.GenerationId, e.Offsets)),
            GroupEvent.DeadLetterWritten e => !DeadLetterAnswered(state, e.Partition, e.Offset),
            GroupEvent.DeadLetterFailed e => !DeadLetterAnswered(state, e.Partition, e.Offset),
            GroupEvent.Tick e => e.NowMs < state.NowMs,
            GroupEvent.ShutdownRequested => state.Phase is ManagerPhase.ShuttingDown or ManagerPhase.Stopped or ManagerPhase.Failed,
            _ => throw new System.Diagnostics.UnreachableException(@event.GetType().Name),
        };
    }

    /// <summary>The offset the next ack must reach (Kafka's convention: one past the ack): past the committed offset,
    /// what was sent, and the last ack.</summary>
    public static long AckFloor(PartitionState p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return Math.Max(Math.Max(p.CommittedOffset ?? 0, p.CommitSentOffset ?? 0), p.LastAckedOffset is { } acked ? acked + 1 : 0);
    }

    // A dead-letter result counts only for the write under way, of an active manager.
    private static bool DeadLetterAnswered(GroupState state, TopicPartitionId partition, long offset) =>
        state.Phase == ManagerPhase.Active && state.Partitions.TryGetValue(partition, out var p) && p.DeadLetter is { InFlight: true } pending &&
        pending.Offset == offset;

    private static PartitionState? LivePartition(GroupState state, WorkerId worker) =>
        state.Workers.TryGetValue(worker, out var tp) && state.Partitions[tp].Worker == worker ? state.Partitions[tp] : null;

    // Deliveries count from the live worker, or from a stopping one while its acks can still be committed.
    private static bool DeliveryIgnored(GroupState state, GroupEvent.MessagesDelivered e)
    {
        if (!state.Workers.TryGetValue(e.Worker, out var tp) || e.FirstOffset < 0 || e.LastOffset < e.FirstOffset || e.LastOffset > MaxOffset)
        {
            return true;
        }

        var p = state.Partitions[tp];
        return p.Worker != e.Worker && p.Phase != PartitionPhase.Revoking && state.Phase != ManagerPhase.ShuttingDown;
    }

    private static bool AckIgnored(GroupState state, GroupEvent.Acked e)
    {
        if (state.Phase is not (ManagerPhase.Active or ManagerPhase.ShuttingDown) || e.Offset is < 0 or > MaxOffset ||
            !state.Partitions.TryGetValue(new TopicPartitionId(e.Topic, e.Partition), out var p))
        {
            return true;
        }

        return e.GenerationId > state.GenerationId || e.GenerationId < p.OwnedSinceGeneration || p.Phase == PartitionPhase.Lost ||
               p.LastDeliveredOffset is not { } delivered || e.Offset > delivered || e.Offset + 1 <= AckFloor(p);
    }

    // A position counts only from the live worker, only once, only for a start that was symbolic: the partition has no
    // floor yet, or a reset is under way.
    private static bool PositionIgnored(GroupState state, GroupEvent.WorkerPositioned e) =>
        LivePartition(state, e.Worker) is not { } p || e.Offset is < 0 or > MaxOffset || (p.RestartFloorOffset is not null && p.Reset is null);
}
