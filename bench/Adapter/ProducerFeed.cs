using Confluent.Kafka;
using Elsa.Sim.Kafka.MockCluster;

namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>Produces a topic's messages while it is consumed, staying at most <see cref="LeadMessages"/> ahead of the
/// consumer: the mock cluster keeps only about 5 MB per partition, so producing everything first would lose the oldest.</summary>
internal static class ProducerFeed
{
    public const int LeadMessages = 240_000;

    public static Task Start(MockKafkaCluster cluster, string topic, int partitions, int messages, int sizeBytes, Func<long> consumed,
        CancellationToken cancellationToken) =>
        Task.Run(() =>
        {
            using var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
            {
                BootstrapServers = cluster.BootstrapServers,
                LingerMs = 5,
                BatchNumMessages = 10_000,
                QueueBufferingMaxMessages = LeadMessages,
            }).SetLogHandler((_, _) => { }).Build();
            var value = new byte[sizeBytes];
            for (var i = 0; i < messages; i++)
            {
                while (i - consumed() > LeadMessages)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Thread.Sleep(1);
                }

                producer.Produce(new TopicPartition(topic, i % partitions), new Message<Null, byte[]> { Value = value });
            }

            producer.Flush(cancellationToken);
        }, cancellationToken);
}
