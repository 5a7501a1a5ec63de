using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;
using static Elsa.Sim.Integration.Tests.Group.GroupTestSupport;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>KIP-848's consumer group protocol (<c>group.protocol=consumer</c>) on the mock cluster's coordinator: the
/// coordinator assigns, and partitions move between members incrementally.</summary>
public sealed class ConsumerProtocolTests(ITestOutputHelper output)
{
    private const string Topic = "ledger";

    [Fact]
    public async Task Two_members_on_the_consumer_protocol_split_the_partitions_and_handle_every_message_the_second_joining_late()
    {
        await WithinLimit(nameof(Two_members_on_the_consumer_protocol_split_the_partitions_and_handle_every_message_the_second_joining_late), async () =>
        {
            const string group = "kip848-ledgers";
            using var cluster = MockKafkaCluster.Start(brokers: 1);
            cluster.CreateTopic(Topic, partitions: 4);
            var ends = await ProduceAsync(cluster, Topic, partitions: 4, count: 200);
            var log = new HandledLog();
            KafkaConsumerOptions Options()
            {
                return MemberOptions(cluster, group, Topic, log, protocol: ConsumerGroupProtocol.Consumer);
            }

            var loggers = new TestOutputLoggerFactory(output, LogLevel.Warning);
            await using var a = KafkaConsumers.Create(Options(), loggers);
            await a.StartAsync();
            await WaitUntil(() => a.State.Partitions.Count == 4, "the first member to be assigned every partition");
            await using var b = KafkaConsumers.Create(Options(), loggers);
            await b.StartAsync();
            await WaitUntil(() => Split([a, b], 4), "the coordinator to move partitions to the second member");
            var more = await ProduceAsync(cluster, Topic, partitions: 4, count: 200, first: 200);
            var all = ends.ToDictionary(e => e.Key, e => more[e.Key]);
            await WaitUntil(() => CommittedNow(cluster, group, Topic, all.Keys).All(c => c.Value == all[c.Key]), "commits up to every partition's end");
            await b.StopAsync();
            await a.StopAsync();

            foreach (var (partition, end) in all)
            {
                Assert.Equal(Enumerable.Range(0, (int)end).Select(o => (long)o), log.Offsets(partition).Distinct().Order());
            }
        });
    }

    // A stale member epoch is not a lost generation: the member is still in the group with a newer epoch, and under
    // KIP-848 no rebalance callback need ever follow. Taken as fenced, it stopped this member's commits for good (found
    // by the simulated cluster's consumer protocol, seed 23: no fault needed, a member joining bumps the others' epochs).
    [Fact]
    public async Task A_commit_refused_for_a_stale_member_epoch_is_sent_again_and_lands_without_a_rebalance()
    {
        await WithinLimit(nameof(A_commit_refused_for_a_stale_member_epoch_is_sent_again_and_lands_without_a_rebalance), async () =>
        {
            const string group = "kip848-stale-epoch";
            using var cluster = MockKafkaCluster.Start(brokers: 1);
            cluster.CreateTopic(Topic, partitions: 4);
            var log = new HandledLog();
            var loggers = new TestOutputLoggerFactory(output, LogLevel.Warning);
            await using var a = KafkaConsumers.Create(MemberOptions(cluster, group, Topic, log, protocol: ConsumerGroupProtocol.Consumer), loggers);
            var refused = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var fenced = 0;
            a.DiagnosticReported += (_, d) =>
            {
                if (d.Kind == DiagnosticKind.CommitFenced)
                {
                    Interlocked.Increment(ref fenced);
                }

                if (d.Kind is DiagnosticKind.CommitFenced or DiagnosticKind.CommitRetry)
                {
                    refused.TrySetResult();
                }
            };
            await a.StartAsync();
            await WaitUntil(() => a.State.Partitions.Count == 4, "the member to be assigned every partition");

            // The coordinator refuses the next commit: the member's epoch is stale.
            cluster.PushRequestErrors(KafkaApi.OffsetCommit, Confluent.Kafka.ErrorCode.StaleMemberEpoch);
            var ends = await ProduceAsync(cluster, Topic, partitions: 4, count: 200);
            await WaitUntil(refused.Task, "a commit to be refused for a stale member epoch");

            // No other member joins, nothing is reassigned: the refused offsets must still be committed.
            await WaitUntil(() => CommittedNow(cluster, group, Topic, ends.Keys).All(c => c.Value == ends[c.Key]), "commits up to every partition's end");
            await a.StopAsync();

            Assert.Equal(0, fenced);
            Assert.True(log.HasAll(ends), "every offset was handled at least once");
        });
    }

    [Fact]
    public void The_classic_protocols_client_side_settings_are_refused_with_the_consumer_protocol_each_by_name()
    {
        var options = new KafkaConsumerOptions
        {
            Group = "g", Topics = [Topic], Handler = typeof(AckingHandler), BootstrapServers = "127.0.0.1:9092",
            GroupProtocol = ConsumerGroupProtocol.Consumer, AssignmentStrategy = AssignmentStrategy.CooperativeSticky, SessionTimeoutMs = 6_000,
        };

        var error = Assert.Throws<InvalidConfigurationException>(() => KafkaConsumers.Create(options));

        Assert.Equal(
            [
                "assignment_strategy (CooperativeSticky) cannot be set with group_protocol consumer: the coordinator assigns (KIP-848)",
                "session_timeout cannot be set with group_protocol consumer: the broker's group.consumer.session.timeout.ms applies (KIP-848)",
            ],
            error.Problems);
    }
}
