using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Port;

/// <summary>Receives the group's rebalances, on the consume thread, inside <see cref="IKafkaConsumerPort.Consume"/> or
/// <see cref="IKafkaConsumerPort.Close"/>. Each call may block until the host has acted on it: the rebalance goes on
/// only when the call returns.</summary>
public interface IRebalanceListener
{
    /// <summary>Partitions were assigned. Returns where each one starts; a null position lets the client decide (the
    /// committed offset, else <c>auto.offset.reset</c>). Must return exactly the partitions given.</summary>
    IReadOnlyList<AssignedStart> OnPartitionsAssigned(IReadOnlyList<TopicPartition> partitions);

    /// <summary>Partitions are being revoked in an orderly rebalance: offsets may still be committed before returning.</summary>
    void OnPartitionsRevoked(IReadOnlyList<TopicPartition> partitions);

    /// <summary>Partitions were lost (session timeout, fencing): nothing may be committed for them.</summary>
    void OnPartitionsLost(IReadOnlyList<TopicPartition> partitions);
}
