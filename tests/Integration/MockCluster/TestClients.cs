using System.Diagnostics;
using Confluent.Kafka;
using Elsa.Sim.Kafka.MockCluster;

namespace Elsa.Sim.Integration.Tests.MockCluster;

/// <summary>Confluent.Kafka clients for a mock cluster, tuned so that a test's outcome never depends on timing and a
/// failure shows within <see cref="Limit"/>: short reconnect backoff (brokers are taken down and up), bounded
/// message timeout, no auto commit.</summary>
internal static class TestClients
{
    /// <summary>The longest any test waits for one condition before it fails.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>How long one Consume call waits for a message.</summary>
    private static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(200);

    private const int ReconnectBackoffMaxMs = 500;

    public static IProducer<string, string> Producer(MockKafkaCluster cluster) => Producer(cluster.BootstrapServers);

    public static IProducer<string, string> Producer(string bootstrapServers) =>
        new ProducerBuilder<string, string>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = (int)Limit.TotalMilliseconds,
            ReconnectBackoffMaxMs = ReconnectBackoffMaxMs,
        }).SetLogHandler(Discard).Build();

    public static IConsumer<string, string> Consumer(MockKafkaCluster cluster, string group,
        AutoOffsetReset autoOffsetReset = AutoOffsetReset.Earliest) => Consumer(cluster.BootstrapServers, group, autoOffsetReset);

    public static IConsumer<string, string> Consumer(string bootstrapServers, string group,
        AutoOffsetReset autoOffsetReset = AutoOffsetReset.Earliest) =>
        new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = group,
            AutoOffsetReset = autoOffsetReset,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            ReconnectBackoffMaxMs = ReconnectBackoffMaxMs,
        }).SetLogHandler(Discard).Build();

    public static IAdminClient Admin(MockKafkaCluster cluster) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers })
            .SetLogHandler(Discard).Build();

    /// <summary>Starts producing <paramref name="count"/> messages round-robin over <paramref name="partitions"/>
    /// partitions (message i goes to partition i mod partitions), numbered from <paramref name="first"/>.</summary>
    public static Task<DeliveryResult<string, string>[]> ProduceAsync(IProducer<string, string> producer,
        string topic, int partitions, int count, int first = 0) =>
        Task.WhenAll(Enumerable.Range(first, count).Select(i => producer.ProduceAsync(
            new TopicPartition(topic, i % partitions),
            new Message<string, string> { Key = $"k{i}", Value = $"m{i}" })));

    /// <summary>Consumes into <paramref name="log"/> until <paramref name="done"/> holds; fails the test, saying
    /// what it was waiting for, if that takes longer than <see cref="Limit"/>.</summary>
    public static void ConsumeUntil(IConsumer<string, string> consumer, ConsumedMessages log,
        Func<ConsumedMessages, bool> done, string waitingFor)
    {
        var waited = Stopwatch.StartNew();
        while (!done(log))
        {
            if (waited.Elapsed > Limit)
            {
                Assert.Fail($"Gave up after {Limit.TotalSeconds} s waiting for {waitingFor}; consumed {log.Count} "
                    + "messages.");
            }

            if (consumer.Consume(PollTimeout) is { } result)
            {
                log.Add(result);
            }
        }
    }

    /// <summary>Polls until the consumer has been assigned partitions; fails after <see cref="Limit"/>.</summary>
    public static void WaitForAssignment(IConsumer<string, string> consumer, ConsumedMessages log) =>
        ConsumeUntil(consumer, log, _ => consumer.Assignment.Count > 0, "the group to assign partitions");

    private static void Discard(IClient client, LogMessage message)
    {
    }
}
