using Elsa.Sim.Hosting;

namespace Elsa.Sim.Kafka.Options;

/// <summary>An Elsa consumer on a Kafka cluster through Confluent.Kafka: <see cref="ElsaConsumerOptions"/> (Elsa's options
/// and the host's), plus where the cluster is and what librdkafka needs. See docs/kafka.md for how each maps onto
/// librdkafka; <see cref="KafkaConsumers.Create"/> builds the consumer.</summary>
public sealed class KafkaConsumerOptions : ElsaConsumerOptions
{
    /// <summary>librdkafka's <c>bootstrap.servers</c>: where the cluster is, as <c>host:port,host:port</c>.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>librdkafka's <c>partition.assignment.strategy</c>. Default <see cref="AssignmentStrategy.Range"/>.</summary>
    public AssignmentStrategy AssignmentStrategy { get; set; } = AssignmentStrategy.Range;

    /// <summary>librdkafka's <c>group.instance.id</c> (static membership), or null for a dynamic member.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>librdkafka's <c>session.timeout.ms</c>, or null for librdkafka's default (45 000 ms).</summary>
    public int? SessionTimeoutMs { get; set; }

    /// <summary>Any other librdkafka properties, passed through as given. Properties the adapter manages (see
    /// docs/kafka.md) are refused.</summary>
    public IDictionary<string, string> KafkaProperties { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    internal override void CopyCollections() => KafkaProperties = new Dictionary<string, string>(KafkaProperties, StringComparer.Ordinal);
}
