using System.Diagnostics;
using Confluent.Kafka;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>What the consumer tests share: producing, bounded waits, and reading commits back from the broker.</summary>
internal static class ConsumerTestSupport
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<Dictionary<int, long>> ProduceAsync(MockKafkaCluster cluster, string topic, int partitions, int count, int first = 0)
    {
        using var producer = TestClients.Producer(cluster);
        var delivered = await TestClients.ProduceAsync(producer, topic, partitions, count, first);
        return delivered.GroupBy(d => d.Partition.Value).ToDictionary(g => g.Key, g => g.Max(d => d.Offset.Value) + 1);
    }

    public static Task Produce(Confluent.Kafka.IProducer<string, string> producer, string topic, int partition, int count) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => producer.ProduceAsync(
            new TopicPartition(topic, partition), new Confluent.Kafka.Message<string, string> { Key = $"k{i}", Value = $"m{i}" })));

    public static bool CommittedAll(ElsaConsumer consumer, string topic, IReadOnlyDictionary<int, long> ends) =>
        CommittedAll([consumer], topic, ends);

    /// <summary>Whether the members together confirmed a commit at each partition's end, each partition by its owner.</summary>
    public static bool CommittedAll(IReadOnlyList<ElsaConsumer> members, string topic, IReadOnlyDictionary<int, long> ends)
    {
        var committed = members.SelectMany(m => m.GetCommittedOffsets(topic)).ToArray();
        return committed.Length == ends.Count && committed.All(c => ends.TryGetValue(c.Partition.Partition, out var end) && c.NextOffset == end);
    }

    public static IEnumerable<(int Partition, long Offset)> ReadCommitted(MockKafkaCluster cluster, string group, string topic, IEnumerable<int> partitions)
    {
        using var reader = TestClients.Consumer(cluster, group);
        return reader.Committed(partitions.Select(p => new TopicPartition(topic, p)), TestClients.Limit)
            .Select(c => (c.Partition.Value, c.Offset.Value))
            .Order()
            .ToArray();
    }

    public static async Task WaitUntil(Func<bool> condition, string waitingFor)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > TestClients.Limit)
            {
                Assert.Fail($"Gave up after {TestClients.Limit.TotalSeconds} s waiting for {waitingFor}.");
            }

            await Task.Delay(PollInterval);
        }
    }

    public static async Task WaitUntil(Task task, string waitingFor)
    {
        if (await Task.WhenAny(task, Task.Delay(TestClients.Limit)) != task)
        {
            Assert.Fail($"Gave up after {TestClients.Limit.TotalSeconds} s waiting for {waitingFor}.");
        }
    }
}
