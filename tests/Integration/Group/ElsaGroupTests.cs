using System.Diagnostics;
using Elsa.Sim.Core;
using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.Options;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Kafka.Port;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;
using static Elsa.Sim.Integration.Tests.Group.GroupTestSupport;
using ErrorCode = Confluent.Kafka.ErrorCode;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>Groups of three <see cref="ElsaConsumer"/> members on one mock cluster: membership changes, a killed member,
/// a crashing handler, stale acks and coordinator faults. Each test is capped at <see cref="GroupTestSupport.TestLimit"/>
/// and every wait inside it at <see cref="MockCluster.TestClients.Limit"/>; each checks what was handled and what the
/// broker holds as committed.</summary>
public sealed class ElsaGroupTests(ITestOutputHelper output)
{
    [Fact]
    public Task Three_members_handle_10000_messages_over_12_partitions_while_members_join_and_leave_and_lose_nothing() =>
        WithinLimit(nameof(Three_members_handle_10000_messages_over_12_partitions_while_members_join_and_leave_and_lose_nothing), async () =>
        {
            const string topic = "orders";
            const string group = "order-group";
            const int partitions = 12;
            using var cluster = MockKafkaCluster.Start(brokers: 3);
            cluster.CreateTopic(topic, partitions);
            var log = new HandledLog();
            var clock = Stopwatch.StartNew();
            await using var first = KafkaConsumers.Create(MemberOptions(cluster, group, topic, log), Logs());
            await using var second = KafkaConsumers.Create(MemberOptions(cluster, group, topic, log), Logs());
            await using var third = KafkaConsumers.Create(MemberOptions(cluster, group, topic, log), Logs());

            await Task.WhenAll(first.StartAsync(), second.StartAsync());
            await WaitUntil(() => Split([first, second], partitions), "two members to split 12 partitions");
            await ProduceAsync(cluster, topic, partitions, count: 5_000);
            await third.StartAsync();
            await WaitUntil(() => Split([first, second, third], partitions), "three members to split 12 partitions");
            await first.StopAsync();
            await first.Completion;
            await WaitUntil(() => Split([second, third], partitions), "the two remaining members to take over the leaver's partitions");
            var ends = await ProduceAsync(cluster, topic, partitions, count: 5_000, first: 5_000);
            await WaitUntil(() => CommittedAll([second, third], topic, ends), "commits at the high watermark of all 12 partitions");
            await Task.WhenAll(second.StopAsync(), third.StopAsync());
            await Task.WhenAll(second.Completion, third.Completion);
            output.WriteLine($"10000 messages, {log.Count} handled, done after {clock.Elapsed.TotalMilliseconds:F0} ms");

            Assert.Equal(10_000, ends.Values.Sum());
            Assert.True(log.HasAll(ends), "every offset below the high watermark was handled at least once");
            Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
        });

    [Theory]
    [InlineData(ConsumerGroupProtocol.Classic)]
    [InlineData(ConsumerGroupProtocol.Consumer)]
    public Task A_member_killed_without_committing_is_taken_over_and_nothing_is_lost(ConsumerGroupProtocol protocol) =>
        WithinLimit(nameof(A_member_killed_without_committing_is_taken_over_and_nothing_is_lost), async () =>
        {
            const string topic = "payments";
            var group = $"payment-group-{protocol}";
            const int partitions = 12;
            using var cluster = MockKafkaCluster.Start(brokers: 3);
            cluster.CreateTopic(topic, partitions);
            var log = new HandledLog();
            await using var first = KafkaConsumers.Create(MemberOptions(cluster, group, topic, log, protocol: protocol), Logs());
            await using var second = KafkaConsumers.Create(MemberOptions(cluster, group, topic, log, protocol: protocol), Logs());
            // The victim never commits on its own (the interval is far away), and once killed its commits are refused.
            var victimOptions = MemberOptions(cluster, group, topic, log, protocol: protocol);
            victimOptions.CommitIntervalMs = 600_000;
            var port = new KillablePort(new ConfluentConsumerPort(victimOptions));
            await using var victim = new ElsaConsumer(victimOptions, port, Logs(LogLevel.Critical));

            await Task.WhenAll(first.StartAsync(), second.StartAsync(), victim.StartAsync());
            await WaitUntil(() => Split([first, second, victim], partitions), "three members to split 12 partitions");
            var ends = await ProduceAsync(cluster, topic, partitions, count: 3_000);
            await WaitUntil(() => log.HasAll(ends) && CommittedAll([first, second], topic,
                ends.Where(e => first.State.Partitions.Keys.Concat(second.State.Partitions.Keys).Any(p => p.Partition == e.Key))
                    .ToDictionary(e => e.Key, e => e.Value)), "every message handled and the survivors' partitions committed");
            var victims = victim.State.Partitions.Keys.Select(p => p.Partition).Order().ToArray();
            var committedAtKill = CommittedNow(cluster, group, topic, ends.Keys);

            // Kill: commits refused, handlers cancelled at once, no final commit.
            port.Kill();
            using (var now = new CancellationTokenSource())
            {
                await now.CancelAsync();
                await victim.StopAsync(now.Token);
            }

            await WaitUntil(() => Split([first, second], partitions), "the survivors to take over the killed member's partitions");
            await WaitUntil(() => CommittedAll([first, second], topic, ends), "the survivors' commits at the high watermark");
            await Task.WhenAll(first.StopAsync(), second.StopAsync());
            output.WriteLine($"killed member owned [{string.Join(", ", victims)}]; committed at the kill: " +
                string.Join(", ", committedAtKill.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}")) + $"; {log.Count} handled for 3000");

            Assert.NotEmpty(victims);
            Assert.True(log.HasAll(ends), "every offset was handled at least once");
            foreach (var (partition, end) in ends)
            {
                // Duplicates only at or after the partition's last commit when the member was killed …
                Assert.All(Duplicates(log, partition), o => Assert.InRange(o, committedAtKill[partition], end - 1));
            }

            foreach (var partition in victims)
            {
                // … and the killed member's uncommitted work was redone by the member that took it over.
                Assert.Equal(0, committedAtKill[partition]);
                Assert.Equal(ends[partition], Duplicates(log, partition).LongLength);
            }

            Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
        });

    [Fact]
    public Task A_handler_that_throws_restarts_its_partition_from_the_last_ack_while_the_others_keep_going() =>
        WithinLimit(nameof(A_handler_that_throws_restarts_its_partition_from_the_last_ack_while_the_others_keep_going), async () =>
        {
            const string topic = "audit";
            const string group = "audit-group";
            const int partitions = 12;
            const int crashPartition = 5;
            const long crashOffset = 40;
            using var cluster = MockKafkaCluster.Start(brokers: 3);
            cluster.CreateTopic(topic, partitions);
            var log = new HandledLog();
            log.CrashOnceAt(crashPartition, crashOffset);
            ElsaConsumer[] members =
            [
                KafkaConsumers.Create(MemberOptions(cluster, group, topic, log), Logs(LogLevel.Critical)),
                KafkaConsumers.Create(MemberOptions(cluster, group, topic, log), Logs(LogLevel.Critical)),
                KafkaConsumers.Create(MemberOptions(cluster, group, topic, log), Logs(LogLevel.Critical)),
            ];
            try
            {
                var diagnostics = CountDiagnostics(members);
                await Task.WhenAll(members.Select(m => m.StartAsync()));
                await WaitUntil(() => Split(members, partitions), "three members to split 12 partitions");
                var ends = await ProduceAsync(cluster, topic, partitions, count: 1_200);
                await WaitUntil(() => CommittedAll(members, topic, ends), "commits at the high watermark after the crash");
                await Task.WhenAll(members.Select(m => m.StopAsync()));
                await Task.WhenAll(members.Select(m => m.Completion));

                Assert.Equal(1, Count(diagnostics, DiagnosticKind.WorkerCrashed));
                Assert.True(log.HasAll(ends), "every offset was handled at least once");
                // The crashed partition restarted right after its last ack: only the crashed batch's messages before the
                // crash were handled twice, everything from the crash on exactly once.
                Assert.All(Duplicates(log, crashPartition), o => Assert.InRange(o, 0, crashOffset - 1));
                Assert.Equal(Enumerable.Range((int)crashOffset, (int)(ends[crashPartition] - crashOffset)).Select(o => (long)o),
                    log.Offsets(crashPartition).Where(o => o >= crashOffset).Order());
                // The other partitions kept going: each handled every offset (a rebalance on the mock may repeat some).
                foreach (var (partition, end) in ends.Where(e => e.Key != crashPartition))
                {
                    Assert.Equal(Enumerable.Range(0, (int)end).Select(o => (long)o), log.Offsets(partition).Distinct().Order());
                }

                Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
            }
            finally
            {
                foreach (var member in members)
                {
                    await member.DisposeAsync();
                }
            }
        });

    [Fact]
    public Task An_ack_from_before_a_rebalance_is_ignored_and_never_committed() =>
        WithinLimit(nameof(An_ack_from_before_a_rebalance_is_ignored_and_never_committed), async () =>
        {
            const string topic = "refunds";
            const string group = "refund-group";
            const int partitions = 6;
            using var cluster = MockKafkaCluster.Start(brokers: 1);
            cluster.CreateTopic(topic, partitions);
            var ends = await ProduceAsync(cluster, topic, partitions, count: 60);
            var held = new HandledLog();
            var others = new HandledLog();
            await using var holder = KafkaConsumers.Create(MemberOptions(cluster, group, topic, held, typeof(HoldingHandler)), Logs());
            await using var second = KafkaConsumers.Create(MemberOptions(cluster, group, topic, others), Logs());
            await using var third = KafkaConsumers.Create(MemberOptions(cluster, group, topic, others), Logs());
            var stale = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            holder.DiagnosticReported += (_, d) =>
            {
                if (d.Kind == DiagnosticKind.StaleAck)
                {
                    stale.TrySetResult(d.Detail);
                }
            };

            await holder.StartAsync();
            await WaitUntil(() => holder.State.Partitions.Count == partitions && held.Count >= 10, "the holder to own every partition and handle messages");
            var oldGeneration = held.Generations().Max();

            // A rebalance: two members join; every partition the holder keeps is owned since a newer generation.
            await Task.WhenAll(second.StartAsync(), third.StartAsync());
            await WaitUntil(() => Split([holder, second, third], partitions) && holder.State.GenerationId > oldGeneration,
                "the rebalance that adds two members");
            var kept = holder.State.Partitions.Keys.Select(p => p.Partition).Min();
            var currentGeneration = holder.State.GenerationId!.Value;

            holder.Ack(topic, kept, oldGeneration, 5);
            var detail = await stale.Task.WaitAsync(MockCluster.TestClients.Limit);
            Assert.Contains($"{topic}/{kept}@5 from generation {oldGeneration} ignored", detail, StringComparison.Ordinal);

            // A current ack at offset 0 is committed as 1: had the stale ack counted, the commit would be 6. The machine
            // accepts an ack only for what was delivered, so wait for the kept partition's first delivery in this
            // generation (a fetch on the mock cluster can take up to max_wait_time, 10 s by default).
            await WaitUntil(() => holder.State.Partitions.TryGetValue(new TopicPartitionId(topic, kept), out var p) && p.LastDeliveredOffset is >= 0,
                "the kept partition's first delivery in the new generation");
            holder.Ack(topic, kept, currentGeneration, 0);
            await WaitUntil(() => holder.GetCommittedOffsets(topic).Any(c => c.Partition.Partition == kept), "the commit of the current ack");
            Assert.Equal(1, holder.GetCommittedOffsets(topic).Single(c => c.Partition.Partition == kept).NextOffset);
            await holder.StopAsync();
            await holder.Completion;
            output.WriteLine($"stale ack: {detail}");

            var committed = CommittedNow(cluster, group, topic, [kept]);
            Assert.Equal(1, committed[kept]);
            Assert.True(ends[kept] > 6);
        });

    [Theory]
    [InlineData(AssignmentStrategy.Range)]
    [InlineData(AssignmentStrategy.CooperativeSticky)]
    public Task The_group_recovers_from_commit_and_heartbeat_errors_a_broker_outage_and_a_coordinator_move_and_loses_nothing(AssignmentStrategy strategy) =>
        WithinLimit(nameof(The_group_recovers_from_commit_and_heartbeat_errors_a_broker_outage_and_a_coordinator_move_and_loses_nothing), async () =>
        {
            const string topic = "invoices";
            var group = $"invoice-group-{strategy}";
            const int partitions = 12;
            using var cluster = MockKafkaCluster.Start(brokers: 3);
            cluster.CreateTopic(topic, partitions);
            var log = new HandledLog();
            KafkaConsumerOptions Member()
            {
                var options = MemberOptions(cluster, group, topic, log);
                options.AssignmentStrategy = strategy;
                return options;
            }

            ElsaConsumer[] members =
            [
                KafkaConsumers.Create(Member(), Logs(LogLevel.Critical)),
                KafkaConsumers.Create(Member(), Logs(LogLevel.Critical)),
                KafkaConsumers.Create(Member(), Logs(LogLevel.Critical)),
            ];
            var clock = Stopwatch.StartNew();
            try
            {
                var diagnostics = CountDiagnostics(members);
                await Task.WhenAll(members.Select(m => m.StartAsync()));
                await WaitUntil(() => Split(members, partitions), "three members to split 12 partitions");

                // Commit and heartbeat errors.
                cluster.PushRequestErrors(KafkaApi.OffsetCommit,
                    ErrorCode.RebalanceInProgress, ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupCoordinatorNotAvailable);
                cluster.PushRequestErrors(KafkaApi.Heartbeat,
                    ErrorCode.NotCoordinatorForGroup, ErrorCode.GroupCoordinatorNotAvailable, ErrorCode.RebalanceInProgress);
                var ends = await ProduceAsync(cluster, topic, partitions, count: 1_200);
                await WaitUntil(() => CommittedAll(members, topic, ends), "commits at the high watermark after commit and heartbeat errors");
                output.WriteLine($"errors survived after {clock.Elapsed.TotalMilliseconds:F0} ms");

                // A broker outage while messages are produced: the partitions it leads wait, the others go on.
                cluster.SetBrokerDown(2);
                var handledBefore = log.Count;
                using (var producer = MockCluster.TestClients.Producer(cluster))
                {
                    var producing = MockCluster.TestClients.ProduceAsync(producer, topic, partitions, count: 1_200, first: 1_200);
                    await WaitUntil(() => log.Count > handledBefore, "messages of the partitions the live brokers lead");
                    cluster.SetBrokerUp(2);
                    var delivered = await producing;
                    ends = delivered.GroupBy(d => d.Partition.Value).ToDictionary(g => g.Key, g => g.Max(d => d.Offset.Value) + 1);
                }

                await WaitUntil(() => CommittedAll(members, topic, ends), "commits at the high watermark after the broker outage");
                output.WriteLine($"outage survived after {clock.Elapsed.TotalMilliseconds:F0} ms");

                // The coordinator moves twice.
                cluster.MoveGroupCoordinator(group, 3);
                ends = await ProduceAsync(cluster, topic, partitions, count: 1_200, first: 2_400);
                cluster.MoveGroupCoordinator(group, 1);
                ends = await ProduceAsync(cluster, topic, partitions, count: 1_200, first: 3_600);
                await WaitUntil(() => CommittedAll(members, topic, ends), "commits at the high watermark after the coordinator moves");
                await Task.WhenAll(members.Select(m => m.StopAsync()));
                await Task.WhenAll(members.Select(m => m.Completion));
                lock (diagnostics)
                {
                    output.WriteLine($"done after {clock.Elapsed.TotalMilliseconds:F0} ms; {log.Count} handled for 4800; diagnostics: " +
                        string.Join(", ", diagnostics.Select(d => $"{d.Key}={d.Value}")));
                }

                Assert.Equal(4_800, ends.Values.Sum());
                Assert.True(log.HasAll(ends), "every offset below the high watermark was handled at least once");
                Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
            }
            finally
            {
                foreach (var member in members)
                {
                    await member.DisposeAsync();
                }
            }
        });

    private TestOutputLoggerFactory Logs(LogLevel minimum = LogLevel.Warning) => new(output, minimum);
}
