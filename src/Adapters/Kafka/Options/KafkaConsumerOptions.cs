using Elsa.Sim.Hosting;

namespace Elsa.Sim.Kafka.Options;

/// <summary>An Elsa consumer on a Kafka cluster through Confluent.Kafka: <see cref="ElsaConsumerOptions"/> (Elsa's options
/// and the host's), plus where the cluster is and what librdkafka needs. See docs/kafka.md for how each maps onto
/// librdkafka; <see cref="KafkaConsumers.Create"/> builds the consumer.</summary>
public sealed class KafkaConsumerOptions : ElsaConsumerOptions
{
    /// <summary>librdkafka's <c>bootstrap.servers</c>: where the cluster is, as <c>host:port,host:port</c>.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>librdkafka's <c>group.protocol</c>: the classic protocol or KIP-848's. Default
    /// <see cref="ConsumerGroupProtocol.Classic"/>.</summary>
    public ConsumerGroupProtocol GroupProtocol { get; set; } = ConsumerGroupProtocol.Classic;

    /// <summary>librdkafka's <c>partition.assignment.strategy</c>, for <see cref="ConsumerGroupProtocol.Classic"/> only. Default
    /// <see cref="AssignmentStrategy.Range"/>.</summary>
    public AssignmentStrategy AssignmentStrategy { get; set; } = AssignmentStrategy.Range;

    /// <summary>librdkafka's <c>group.instance.id</c> (static membership), or null for a dynamic member.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>librdkafka's <c>session.timeout.ms</c>, or null for librdkafka's default (45 000 ms).</summary>
    public int? SessionTimeoutMs { get; set; }

    /// <summary>Any other librdkafka properties, passed through as given. Properties the adapter manages (see
    /// docs/kafka.md) are refused.</summary>
    public IDictionary<string, string> KafkaProperties { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The topic <see cref="Core.RestartExhaustedPolicy.DeadLetter"/> writes poison messages to, on the same
    /// cluster, or null. Each dead letter keeps the original key, value and headers, and adds headers naming where it came
    /// from and why (<c>elsa.dead_letter.*</c>, see docs/kafka.md). Required with that policy, refused without it.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>librdkafka properties for the dead-letter producer (for example <c>message.timeout.ms</c>, how long a write
    /// may keep retrying before it counts as failed; default 30 000 ms here). It writes with <c>acks=all</c> and
    /// idempotence, which cannot be changed.</summary>
    public IDictionary<string, string> DeadLetterProperties { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal override bool HasDeadLetterDestination => base.HasDeadLetterDestination || DeadLetterTopic is not null;

    internal override void CopyCollections()
    {
        KafkaProperties = new Dictionary<string, string>(KafkaProperties, StringComparer.Ordinal);
        DeadLetterProperties = new Dictionary<string, string>(DeadLetterProperties, StringComparer.Ordinal);
    }
}
