using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;
using static Elsa.Sim.Integration.Tests.Group.GroupTestSupport;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>A would-be zombie on the mock cluster's classic coordinator: a member whose heartbeats stop reaching the
/// coordinator (here: its heartbeat interval is ten times its session) while it goes on consuming. librdkafka cuts it
/// off on the client side: once its session has passed without a successful heartbeat it declares its partitions lost
/// (<c>SESSTMOUT</c>), so the host stops committing them before the coordinator has to refuse anything; the member
/// rejoins as a new one. (The zombie that keeps committing until the coordinator refuses it, which a client without that
/// guard would be, is covered by the simulated cluster's <c>SessionTimeout</c> fault.)</summary>
public sealed class HeartbeatLossTests(ITestOutputHelper output)
{
    private const string Topic = "ledger";

    [Fact]
    public async Task A_member_whose_heartbeats_stop_loses_its_partitions_at_its_own_session_timeout_and_the_group_loses_nothing()
    {
        await WithinLimit(nameof(A_member_whose_heartbeats_stop_loses_its_partitions_at_its_own_session_timeout_and_the_group_loses_nothing), async () =>
        {
            const string group = "zombie-ledger";
            using var cluster = MockKafkaCluster.Start(brokers: 1);
            cluster.CreateTopic(Topic, partitions: 2);
            var log = new HandledLog();
            var zombieLogs = new CapturingLoggerFactory();
            var zombieOptions = MemberOptions(cluster, group, Topic, log);
            zombieOptions.KafkaProperties["heartbeat.interval.ms"] = "60000";
            zombieOptions.KafkaProperties["max.poll.interval.ms"] = "7000";
            zombieOptions.RebalanceTimeoutMs = 5_000;
            await using var zombie = KafkaConsumers.Create(zombieOptions, zombieLogs);
            await zombie.StartAsync();
            await WaitUntil(() => zombie.State.Partitions.Count == 2, "the member to own both partitions");
            var first = await ProduceAsync(cluster, Topic, partitions: 2, count: 20);
            await WaitUntil(() => CommittedNow(cluster, group, Topic, first.Keys).All(c => c.Value == first[c.Key]), "the first commits");

            await using var other = KafkaConsumers.Create(MemberOptions(cluster, group, Topic, log), new TestOutputLoggerFactory(output, LogLevel.Warning));
            await other.StartAsync();
            await WaitUntil(() => zombieLogs.Logger.Lines.Any(l => l.StartsWith("Lost ", StringComparison.Ordinal)), "the member to lose its partitions");
            var ends = await ProduceAsync(cluster, Topic, partitions: 2, count: 200);
            await WaitUntil(() => CommittedNow(cluster, group, Topic, ends.Keys).All(c => c.Value == ends[c.Key]), "commits up to every partition's end");
            await other.StopAsync();
            await zombie.StopAsync();

            var lines = zombieLogs.Logger.Lines;
            output.WriteLine(string.Join(Environment.NewLine, lines));
            Assert.Contains(lines, l => l.StartsWith("librdkafka SESSTMOUT", StringComparison.Ordinal));
            Assert.True(log.HasAll(ends), "every offset was handled at least once");
            foreach (var partition in ends.Keys)
            {
                // Duplicates only above the commit the member made before it was cut off.
                Assert.All(Duplicates(log, partition), offset => Assert.True(offset >= first[partition], $"{Topic}/{partition}@{offset} handled twice below the first commit"));
            }
        });
    }
}
