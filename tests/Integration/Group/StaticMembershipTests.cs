using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;
using static Elsa.Sim.Integration.Tests.Group.GroupTestSupport;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>Static membership (<c>group.instance.id</c>, KIP-345) on the mock cluster's classic coordinator. The mock
/// coordinator does not implement KIP-345's rejoin without a rebalance: a static member's successor joining moves the
/// group to a new generation (seen: 1 to 2), where a real broker keeps it. What is checked here is what the mock can
/// express; the rejoin without a rebalance, and the fencing of a second instance with the same id, are covered by the
/// simulated cluster's static-membership seeds.</summary>
public sealed class StaticMembershipTests(ITestOutputHelper output)
{
    private const string Topic = "inventory";

    [Fact]
    public async Task A_static_member_restarted_within_its_session_gets_its_partitions_back_and_nothing_is_lost()
    {
        await WithinLimit(nameof(A_static_member_restarted_within_its_session_gets_its_partitions_back_and_nothing_is_lost), async () =>
        {
            const string group = "static-inventory";
            using var cluster = MockKafkaCluster.Start(brokers: 1);
            cluster.CreateTopic(Topic, partitions: 4);
            var log = new HandledLog();
            var loggers = new TestOutputLoggerFactory(output, LogLevel.Warning);
            Kafka.Options.KafkaConsumerOptions Member(string instance)
            {
                var options = MemberOptions(cluster, group, Topic, log);
                options.GroupInstanceId = instance;
                options.SessionTimeoutMs = 10_000;
                return options;
            }

            await using var steady = KafkaConsumers.Create(Member("steady"), loggers);
            var restarted = KafkaConsumers.Create(Member("restarted"), loggers);
            await Task.WhenAll(steady.StartAsync(), restarted.StartAsync());
            await WaitUntil(() => Split([steady, restarted], 4), "the two static members to split the partitions");
            var generation = steady.State.GenerationId;
            var owned = restarted.State.Partitions.Keys.Order().ToArray();

            // A static member leaves no LeaveGroup behind: its successor, with the same instance id, takes its place.
            await restarted.StopAsync();
            await restarted.DisposeAsync();
            await using var successor = KafkaConsumers.Create(Member("restarted"), loggers);
            await successor.StartAsync();
            await WaitUntil(() => successor.State.Partitions.Count == owned.Length, "the successor to get the partitions back");
            var ends = await ProduceAsync(cluster, Topic, partitions: 4, count: 100);
            await WaitUntil(() => CommittedAll([steady, successor], Topic, ends), "commits up to every partition's end");

            output.WriteLine($"generation before {generation}, after {steady.State.GenerationId}; successor owns {string.Join(", ", successor.State.Partitions.Keys.Order())}");
            Assert.Equal(owned, successor.State.Partitions.Keys.Order());
            Assert.True(log.HasAll(ends), "every offset was handled at least once");
            await successor.StopAsync();
            await steady.StopAsync();
        });
    }
}
