namespace Elsa.Sim.Kafka.Options;

/// <summary>Which consumer group protocol the member speaks (librdkafka's <c>group.protocol</c>).</summary>
public enum ConsumerGroupProtocol
{
    /// <summary><c>classic</c>: the members join, one of them assigns per <see cref="KafkaConsumerOptions.AssignmentStrategy"/>,
    /// and a rebalance runs in rounds (eager or cooperative). Kafka's default.</summary>
    Classic,

    /// <summary><c>consumer</c> (KIP-848, Kafka 4.0 and later): the coordinator assigns, members heartbeat their epoch, and
    /// partitions move one by one, revoked and assigned incrementally with no stop-the-world round. The broker's assignor
    /// replaces <see cref="KafkaConsumerOptions.AssignmentStrategy"/>, and the broker's group configuration replaces
    /// <see cref="KafkaConsumerOptions.SessionTimeoutMs"/>; neither may be set with it.</summary>
    Consumer,
}
