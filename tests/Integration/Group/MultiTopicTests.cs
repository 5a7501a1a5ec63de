using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;
using static Elsa.Sim.Integration.Tests.Group.GroupTestSupport;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>A group whose members subscribe to several topics on the mock cluster.</summary>
public sealed class MultiTopicTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Two_members_on_two_topics_split_every_partition_of_both_and_commit_each_at_its_end()
    {
        await WithinLimit(nameof(Two_members_on_two_topics_split_every_partition_of_both_and_commit_each_at_its_end), async () =>
        {
            const string group = "two-topic-group";
            using var cluster = MockKafkaCluster.Start(brokers: 1);
            cluster.CreateTopic("orders", partitions: 3);
            cluster.CreateTopic("refunds", partitions: 2);
            var log = new HandledLog();
            var loggers = new TestOutputLoggerFactory(output, LogLevel.Warning);
            Kafka.Options.KafkaConsumerOptions Member()
            {
                var options = MemberOptions(cluster, group, "orders", log);
                options.Topics = ["orders", "refunds"];
                return options;
            }

            await using var a = KafkaConsumers.Create(Member(), loggers);
            await using var b = KafkaConsumers.Create(Member(), loggers);
            await Task.WhenAll(a.StartAsync(), b.StartAsync());
            await WaitUntil(() => Split([a, b], 5), "the two members to split the five partitions of both topics");
            var orders = await ProduceAsync(cluster, "orders", partitions: 3, count: 150);
            var refunds = await ProduceAsync(cluster, "refunds", partitions: 2, count: 60);
            await WaitUntil(() => CommittedNow(cluster, group, "orders", orders.Keys).All(c => c.Value == orders[c.Key]) &&
                                  CommittedNow(cluster, group, "refunds", refunds.Keys).All(c => c.Value == refunds[c.Key]),
                "commits at the end of every partition of both topics");
            await Task.WhenAll(a.StopAsync(), b.StopAsync());

            Assert.True(log.Count >= 210, $"{log.Count} messages handled for 210 produced");
        });
    }
}
