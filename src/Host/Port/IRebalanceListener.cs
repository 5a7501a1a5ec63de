using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Port;

/// <summary>Receives the group's rebalances, inside <see cref="IConsumerPort.ConsumeAsync"/> or
/// <see cref="IConsumerPort.CloseAsync"/>. The rebalance goes on only once the returned task completes: an assignment
/// once every partition has its start, a revocation once its workers stopped and its acks were committed. A port over a
/// client whose callbacks are synchronous (librdkafka's) waits for the task on its own thread; the host never blocks.</summary>
public interface IRebalanceListener
{
    /// <summary>Partitions were assigned. Completes with where each one starts; a null position lets the client decide (the
    /// committed offset, else <c>auto.offset.reset</c>). Returns exactly the partitions given.</summary>
    ValueTask<IReadOnlyList<AssignedStart>> OnPartitionsAssignedAsync(IReadOnlyList<TopicPartitionId> partitions);

    /// <summary>Partitions are being revoked in an orderly rebalance: offsets may still be committed before this completes.</summary>
    ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartitionId> partitions);

    /// <summary>Partitions were lost (session timeout, fencing): nothing may be committed for them.</summary>
    ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartitionId> partitions);
}
