using System.Diagnostics;
using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>The Kafka adapter's host (<see cref="ElsaConsumer"/>) on the embedded mock cluster. Every wait is bounded by
/// <see cref="TestClients.Limit"/> and says what it waited for.</summary>
public sealed class ElsaConsumerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Elsa_consumer_one_member_acking_every_batch_consumes_1000_messages_from_12_partitions_and_commits_them_all()
    {
        const string topic = "orders";
        const string group = "order-handlers";
        const int partitions = 12;
        const int messages = 1_000;
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions);
        var ends = await ProduceAsync(cluster, topic, partitions, messages);
        var log = new HandledLog();
        var clock = Stopwatch.StartNew();

        await using var consumer = KafkaConsumers.Create(Options(cluster, group, topic, log), new TestOutputLoggerFactory(output));
        await consumer.StartAsync();
        await WaitUntil(() => CommittedAll(consumer, topic, ends), $"commits at the high watermark of all {partitions} partitions");
        var committedAfter = clock.Elapsed;
        await consumer.StopAsync();
        await consumer.Completion;
        output.WriteLine($"{messages} messages handled and committed {committedAfter.TotalMilliseconds:F0} ms after start; stopped after {clock.Elapsed.TotalMilliseconds:F0} ms");

        // Every offset of every partition handled exactly once: one member, no faults.
        foreach (var (partition, end) in ends)
        {
            Assert.Equal(Enumerable.Range(0, (int)end).Select(o => (long)o), log.Offsets(partition).Order());
        }

        // The broker holds the commits (Kafka's convention: the next offset to read, so the high watermark).
        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
    }

    [Fact]
    public async Task Elsa_consumer_an_ack_with_a_negative_offset_an_unknown_partition_or_a_malformed_map_yields_a_diagnostic_and_changes_nothing()
    {
        const string topic = "payments";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 2);
        var ends = await ProduceAsync(cluster, topic, partitions: 2, count: 10);
        var log = new HandledLog();
        await using var consumer = KafkaConsumers.Create(Options(cluster, "payment-handlers", topic, log), new TestOutputLoggerFactory(output));
        var invalid = new List<ElsaDiagnosticEventArgs>();
        var threeReported = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        consumer.DiagnosticReported += (_, diagnostic) =>
        {
            if (diagnostic.Kind == DiagnosticKind.InvalidAck)
            {
                lock (invalid)
                {
                    invalid.Add(diagnostic);
                    if (invalid.Count == 3)
                    {
                        threeReported.TrySetResult();
                    }
                }
            }
        };
        await consumer.StartAsync();
        await WaitUntil(() => CommittedAll(consumer, topic, ends), "the first commits");
        var before = consumer.State;
        var generation = log.Generations().Max();

        consumer.Ack(topic, 0, generation, -1);
        consumer.Ack(topic, 7, generation, 3);
        consumer.Ack(new Dictionary<string, object?> { ["topic"] = 5, ["offset"] = "x" });
        await WaitUntil(threeReported.Task, "three invalid-ack diagnostics");

        Assert.Contains("offset -1", invalid[0].Detail, StringComparison.Ordinal);
        Assert.Contains($"{topic}/7 is not assigned", invalid[1].Detail, StringComparison.Ordinal);
        Assert.Equal(
            "ack map ignored: topic must be a non-empty string (was Int32 5); partition is missing; generation_id is missing; offset must be an integer (was string \"x\")",
            invalid[2].Detail);
        // Nothing changed but the clock.
        var after = consumer.State;
        Assert.Equal(before, after with { NowMs = before.NowMs, LastCommitMs = before.LastCommitMs });
        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), consumer.GetCommittedOffsets(topic).Select(o => (o.Partition.Partition, o.NextOffset)));
    }

    [Fact]
    public async Task Elsa_consumer_a_handler_that_crashes_is_restarted_from_its_last_ack_and_nothing_is_skipped()
    {
        const string topic = "audit";
        const string group = "auditors";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 4);
        var ends = await ProduceAsync(cluster, topic, partitions: 4, count: 400);
        var log = new HandledLog();
        log.CrashOnceAt(partition: 2, offset: 40);
        var crashes = 0;
        await using var consumer = KafkaConsumers.Create(Options(cluster, group, topic, log), new TestOutputLoggerFactory(output, LogLevel.Error));
        consumer.DiagnosticReported += (_, d) =>
        {
            if (d.Kind == DiagnosticKind.WorkerCrashed)
            {
                Interlocked.Increment(ref crashes);
            }
        };

        await consumer.StartAsync();
        await WaitUntil(() => CommittedAll(consumer, topic, ends), "commits at the high watermark after the crash");
        await consumer.StopAsync();
        await consumer.Completion;

        Assert.Equal(1, Volatile.Read(ref crashes));
        Assert.True(log.HasAll(ends), "every offset of every partition was handled at least once");
        // The restarted worker began right after the last ack: only the crashed batch's messages before offset 40 (handled,
        // never acked) were handled twice, and everything from 40 on exactly once.
        var twice = log.Offsets(2).GroupBy(o => o).Where(g => g.Count() > 1).Select(g => g.Key).Order().ToArray();
        Assert.All(twice, o => Assert.InRange(o, 0, 39));
        Assert.Equal(Enumerable.Range(40, 60).Select(o => (long)o), log.Offsets(2).Where(o => o >= 40).Order());
        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
    }

    [Theory]
    [InlineData(AssignmentStrategy.Range)]
    [InlineData(AssignmentStrategy.CooperativeSticky)]
    public async Task Elsa_consumer_a_second_member_joins_the_group_takes_over_partitions_and_together_they_handle_and_commit_everything(
        AssignmentStrategy strategy)
    {
        const string topic = "invoices";
        const int partitions = 12;
        var group = $"invoicers-{strategy}";
        using var cluster = MockKafkaCluster.Start(brokers: 3);
        cluster.CreateTopic(topic, partitions);
        await ProduceAsync(cluster, topic, partitions, count: 600);
        var log = new HandledLog();
        var clock = Stopwatch.StartNew();
        await using var first = KafkaConsumers.Create(Options(cluster, group, topic, log, strategy), new TestOutputLoggerFactory(output));
        await using var second = KafkaConsumers.Create(Options(cluster, group, topic, log, strategy), new TestOutputLoggerFactory(output));

        await first.StartAsync();
        await WaitUntil(() => first.State.Partitions.Count == partitions && log.Count > 0, "the first member to own every partition");
        await second.StartAsync();
        await WaitUntil(() => first.State.Partitions.Count > 0 && second.State.Partitions.Count > 0 &&
            first.State.Partitions.Count + second.State.Partitions.Count == partitions, "the two members to split the partitions");
        var rebalanced = clock.Elapsed;
        var ends = await ProduceAsync(cluster, topic, partitions, count: 600, first: 600);
        await WaitUntil(() => CommittedAll([first, second], topic, ends), "both members' commits at the high watermark");
        output.WriteLine($"rebalanced after {rebalanced.TotalMilliseconds:F0} ms; all committed after {clock.Elapsed.TotalMilliseconds:F0} ms; " +
            $"first owns {first.State.Partitions.Count}, second {second.State.Partitions.Count}; {log.Count} messages handled for 1200");
        await second.StopAsync();
        await first.StopAsync();
        await Task.WhenAll(first.Completion, second.Completion);

        Assert.True(log.HasAll(ends), "every offset of every partition was handled at least once");
        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
    }

    [Fact]
    public async Task Elsa_consumer_a_handler_that_does_not_ack_holds_the_prefetch_window_and_acking_later_resumes_fetching()
    {
        const string topic = "refunds";
        const string group = "refunders";
        using var paused = new InstrumentSums("elsa.consumer.partitions.paused", byTag: "elsa.group");
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 2);
        using var producer = TestClients.Producer(cluster);
        await Produce(producer, topic, partition: 0, count: 100);
        var log = new HandledLog();
        var options = Options(cluster, group, topic, log);
        options.Handler = typeof(HoldingHandler);
        // The window is full once more than 5 messages are unacknowledged (prefetch_bytes 0: any bytes count).
        options.Config = options.Config with { PrefetchCount = 5, PrefetchBytes = 0 };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output));
        await consumer.StartAsync();

        await WaitUntil(() => log.Offsets(0).Count >= 6, "the first window of partition 0");
        // Partition 1 fills its own window through the same consume thread: by then partition 0 would have had every
        // chance to fetch more, had it not been paused.
        await Produce(producer, topic, partition: 1, count: 10);
        await WaitUntil(() => log.Offsets(1).Count >= 6, "the first window of partition 1");
        Assert.Equal(Enumerable.Range(0, 6).Select(o => (long)o), log.Offsets(0));
        Assert.Equal(Enumerable.Range(0, 6).Select(o => (long)o), log.Offsets(1));
        // Both windows paused their partitions before handing over their sixth message, and the metric says so.
        Assert.Equal(2, paused.For(group));

        // Each ack (ack/5, then ack/2) releases the window and brings the next messages, until everything is handled.
        var generation = log.Generations().Distinct().Single();
        var acks = 0;
        while (log.Offsets(0).Count < 100 || log.Offsets(1).Count < 10)
        {
            var handled0 = log.Offsets(0).Count;
            var handled1 = log.Offsets(1).Count;
            consumer.Ack(topic, 0, generation, handled0 - 1);
            consumer.Ack(new Dictionary<string, object?> { ["topic"] = topic, ["partition"] = 1, ["generation_id"] = generation, ["offset"] = (long)handled1 - 1 });
            acks++;
            await WaitUntil(() => log.Offsets(0).Count > handled0 || handled0 == 100 || log.Offsets(1).Count > handled1 && handled1 < 10,
                $"fetching to resume after ack {acks}");
        }

        consumer.Ack(topic, 0, generation, 99);
        consumer.Ack(topic, 1, generation, 9);
        var ends = new Dictionary<int, long> { [0] = 100, [1] = 10 };
        await WaitUntil(() => CommittedAll([consumer], topic, ends), "the commits of the late acks");
        await consumer.StopAsync();
        Assert.Equal(Enumerable.Range(0, 100).Select(o => (long)o), log.Offsets(0));
        Assert.InRange(acks, 100 / 6, 100);
        Assert.Equal(0, paused.For(group));
        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
    }

    [Fact]
    public async Task Elsa_consumer_an_assignment_received_handler_error_fails_the_consumer_which_says_why_and_leaves_the_group()
    {
        const string topic = "returns";
        const string group = "returners";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 3);
        var ends = await ProduceAsync(cluster, topic, partitions: 3, count: 30);
        var log = new HandledLog();
        var options = Options(cluster, group, topic, log);
        options.AssignmentReceivedHandler = (_, partition, _, _) =>
            ValueTask.FromResult(partition.Partition == 1 ? CallbackOutcome.Failed("no room for partition 1") : CallbackOutcome.Ok);
        await using var failing = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Critical));
        var failed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        failing.Failed += (_, e) => failed.TrySetResult(e.Reason);

        await failing.StartAsync();
        await WaitUntil(failed.Task, "the Failed event");
        await WaitUntil(failing.Completion.ContinueWith(_ => { }, TaskScheduler.Default), "the failed consumer to shut down");

        var error = await Assert.ThrowsAsync<ElsaConsumerFailedException>(() => failing.Completion);
        Assert.Contains("assignment_received_handler failed for returns/1", error.Reason, StringComparison.Ordinal);
        Assert.Contains("no room for partition 1", error.Reason, StringComparison.Ordinal);
        Assert.Equal(error.Reason, await failed.Task);
        Assert.Equal(error.Reason, failing.FailureReason);
        Assert.Equal(0, log.Count);

        // It left the group: a healthy member gets every partition and consumes everything.
        await using var healthy = KafkaConsumers.Create(Options(cluster, group, topic, log), new TestOutputLoggerFactory(output));
        await healthy.StartAsync();
        await WaitUntil(() => CommittedAll(healthy, topic, ends), "a healthy member's commits");
        Assert.True(log.HasAll(ends));
    }

    [Fact]
    public async Task Elsa_consumer_an_assignment_that_outlasts_the_rebalance_timeout_fails_the_consumer_saying_what_it_waited_for()
    {
        const string topic = "archives";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 1);
        var options = Options(cluster, "archivists", topic, new HandledLog());
        options.RebalanceTimeoutMs = 500;
        // Stuck until the consumer gives up on it and cancels it.
        options.AssignmentReceivedHandler = async (_, _, _, cancellationToken) =>
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return CallbackOutcome.Ok;
        };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Critical));

        await consumer.StartAsync();
        await WaitUntil(consumer.Completion.ContinueWith(_ => { }, TaskScheduler.Default), "the consumer to give up");

        var error = await Assert.ThrowsAsync<ElsaConsumerFailedException>(() => consumer.Completion);
        Assert.Contains("the assignment of archives/0 was not started within 500 ms", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Elsa_consumer_a_revocation_that_outlasts_the_rebalance_timeout_fails_the_consumer_saying_what_it_waited_for()
    {
        const string topic = "audits";
        const string group = "auditors";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 2);
        await ProduceAsync(cluster, topic, partitions: 2, count: 4);
        var log = new HandledLog();
        var options = Options(cluster, group, topic, log);
        options.Handler = typeof(StuckHandler);
        // Long enough for the assignment on a busy 2-core machine (the manager loop may wait for the thread pool to grow,
        // about 0.5 s at a time), short enough for a quick test.
        options.RebalanceTimeoutMs = 5_000;
        await using var stuck = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Debug));
        await using var joining = KafkaConsumers.Create(Options(cluster, group, topic, new HandledLog()), new TestOutputLoggerFactory(output));

        await stuck.StartAsync();
        await WaitUntil(() => log.Count > 0, "the first member's handler to be stuck in a batch");
        // The rebalance revokes the stuck member's partitions: its revoke callback waits for a worker that never stops.
        await joining.StartAsync();
        await WaitUntil(stuck.Completion.ContinueWith(_ => { }, TaskScheduler.Default), "the stuck member to give up");

        var error = await Assert.ThrowsAsync<ElsaConsumerFailedException>(() => stuck.Completion);
        Assert.Contains("the revocation of audits/", error.Reason, StringComparison.Ordinal);
        Assert.Contains("did not complete within 5000 ms", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Elsa_consumer_commits_when_the_commit_interval_passes_on_the_injected_clock_and_not_before()
    {
        const string topic = "ledgers";
        const string group = "ledger-keepers";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 2);
        var ends = await ProduceAsync(cluster, topic, partitions: 2, count: 20);
        var log = new HandledLog();
        var options = Options(cluster, group, topic, log);
        options.CommitIntervalMs = 60_000;
        var clock = new FakeTimeProvider();
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output), clock);
        await consumer.StartAsync();

        // Every ack has reached the group manager, and the clock has not moved: nothing is due, nothing is committed.
        await WaitUntil(() => ends.All(e => consumer.State.Partitions.Values.Any(p =>
            p.Partition.Partition == e.Key && p.LastAckedOffset == e.Value - 1)), "the acks of every message");
        Assert.Empty(consumer.GetCommittedOffsets(topic));

        clock.Advance(TimeSpan.FromMilliseconds(59_999));
        Assert.Empty(consumer.GetCommittedOffsets(topic));
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntil(() => CommittedAll(consumer, topic, ends), "the commit the interval's tick sends");
    }

    [Fact]
    public void Elsa_consumer_invalid_options_throw_one_error_naming_every_problem()
    {
        static void Configure(KafkaConsumerOptions o)
        {
            o.Group = " ";
            o.Topics = [];
            o.Handler = typeof(string);
            o.CommitIntervalMs = 0;
            o.Config = new ElsaConsumerConfig { PrefetchCount = -1, MaxWaitTimeMs = 400_000 };
            o.BootstrapServers = "";
            o.SessionTimeoutMs = 0;
            o.KafkaProperties["enable.auto.commit"] = "true";
        }

        string[] expected =
        [
            "group must be a non-empty name",
            "topics must name at least one topic",
            "handler must be a concrete class implementing IMessageHandler (was System.String)",
            "commit_interval must be at least 1 ms (was 0)",
            "config.prefetch_count must be at least 0 (was -1)",
            "bootstrap_servers must name at least one broker (host:port)",
            "session_timeout must be 1 to 3600000 ms (was 0)",
            "config.max_wait_time must be at most 300000 ms for librdkafka (was 400000)",
            "kafka_properties must not set 'enable.auto.commit': the adapter sets it from its own options",
        ];
        var options = new KafkaConsumerOptions();
        Configure(options);

        var error = Assert.Throws<InvalidConfigurationException>(() => KafkaConsumers.Create(options));
        Assert.Equal(expected, error.Problems);
        Assert.StartsWith($"Invalid configuration ({expected.Length} problems)", error.Message, StringComparison.Ordinal);

        // The same problems, all at once, when the options come through dependency injection.
        using var services = new ServiceCollection().AddElsaConsumer(Configure).BuildServiceProvider();
        var injected = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<KafkaConsumerOptions>>().Value);
        Assert.Equal(expected, injected.Failures);
    }

    [Fact]
    public async Task Elsa_consumer_hosted_in_a_generic_host_consumes_with_injected_handlers_and_stops_with_the_host()
    {
        const string topic = "shipments";
        const string group = "shippers";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 3);
        var ends = await ProduceAsync(cluster, topic, partitions: 3, count: 90);
        var log = new HandledLog();

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(log);
        builder.Services.AddElsaConsumer(o =>
        {
            Configure(o, cluster, group, topic, log: null);
            o.Handler = typeof(InjectedHandler);
        });
        using var host = builder.Build();
        await host.StartAsync();
        var consumer = host.Services.GetRequiredService<ElsaConsumer>();
        await WaitUntil(() => CommittedAll(consumer, topic, ends), "the hosted consumer's commits");
        await host.StopAsync();
        await consumer.Completion;

        Assert.True(log.HasAll(ends), "every offset was handled by a container-built handler");
        Assert.Equal(ends.OrderBy(e => e.Key).Select(e => (e.Key, e.Value)), ReadCommitted(cluster, group, topic, ends.Keys));
    }

    private static KafkaConsumerOptions Options(MockKafkaCluster cluster, string group, string topic, HandledLog log,
        AssignmentStrategy strategy = AssignmentStrategy.Range)
    {
        var options = new KafkaConsumerOptions { Handler = typeof(AckingHandler), AssignmentStrategy = strategy };
        Configure(options, cluster, group, topic, log);
        return options;
    }

    private static void Configure(KafkaConsumerOptions options, MockKafkaCluster cluster, string group, string topic, HandledLog? log)
    {
        options.Group = group;
        options.Topics = [topic];
        options.HandlerInitArgs = log;
        options.BootstrapServers = cluster.BootstrapServers;
        options.CommitIntervalMs = 100;
        // Messages are produced before the member joins: start from the beginning. Short waits keep the test quick.
        options.Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 };
        // The mock coordinator waits up to session.timeout.ms - 1 s for members to rejoin a rebalance.
        options.SessionTimeoutMs = 3_000;
        options.KafkaProperties["reconnect.backoff.max.ms"] = "500";
        // Members notice a rebalance on their next heartbeat.
        options.KafkaProperties["heartbeat.interval.ms"] = "500";
    }
}
