using Elsa.Sim.Core;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Where consumption starts, and where it goes on after a failure or an offset reset, on the embedded mock
/// cluster: a symbolic start (earliest, latest) is resolved once, before any user code can fail, and an out-of-range
/// position is reset by the group manager per <c>offset_reset_policy</c>, never silently by librdkafka.</summary>
public sealed class StartPositionTests(ITestOutputHelper output)
{
    private const string Topic = "ledger";
    private const int Old = 50;

    [Theory]
    [InlineData(StartFault.Stages.Constructor, "latest")]
    [InlineData(StartFault.Stages.Init, "latest")]
    [InlineData(StartFault.Stages.FirstBatch, "latest")]
    [InlineData(StartFault.Stages.Constructor, "earliest")]
    [InlineData(StartFault.Stages.Init, "earliest")]
    [InlineData(StartFault.Stages.FirstBatch, "earliest")]
    public async Task A_handler_that_fails_once_as_it_starts_goes_on_exactly_from_the_assigned_position(StartFault.Stages stage, string begin)
    {
        // Elsa #90: with begin_offset latest and nothing committed, a handler that failed before its first ack was restarted
        // at `latest` resolved again, skipping what was produced in between. Here the failing handler itself produces 20
        // messages just before it throws, so `latest` has moved by the time the worker restarts.
        var group = $"ledger-{stage}-{begin}";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, partitions: 1);
        using var producer = TestClients.Producer(cluster);
        await Produce(producer, Topic, partition: 0, count: Old);
        var log = new HandledLog();
        var fault = new StartFault(stage, () => Produce(producer, Topic, partition: 0, count: 20).GetAwaiter().GetResult());
        await using var services = new ServiceCollection().AddSingleton(log).AddSingleton(fault).BuildServiceProvider();
        var options = Options(cluster, group, begin == "latest" ? StartPosition.Latest : StartPosition.Earliest);
        options.Handler = typeof(FailsOnceAtStartHandler);
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Warning), services: services);
        var crashes = new List<string>();
        consumer.DiagnosticReported += (_, d) =>
        {
            if (d.Kind == DiagnosticKind.WorkerCrashed)
            {
                lock (crashes)
                {
                    crashes.Add(d.Detail);
                }
            }
        };

        await consumer.StartAsync();
        var produced = Old + 20;
        if (stage == StartFault.Stages.FirstBatch)
        {
            // The first batch needs messages after the position: produced once the handler is up, so after it was positioned.
            await WaitUntil(() => log.Generations().Count > 0, "the first handler to start");
            await Produce(producer, Topic, partition: 0, count: 10);
            produced += 10;
        }

        await WaitUntil(fault.Fired, $"the handler's planted failure in its {stage}");
        await Produce(producer, Topic, partition: 0, count: 30);
        var end = produced + 30;
        await WaitUntil(() => CommittedAll(consumer, Topic, new Dictionary<int, long> { [0] = end }), $"commits up to {end}");
        await consumer.StopAsync();
        await consumer.Completion;

        var from = begin == "latest" ? Old : 0;
        Assert.Equal(Enumerable.Range(from, end - from).Select(o => (long)o), log.Offsets(0).Distinct().Order());
        var crash = Assert.Single(crashes);
        Assert.Contains($"FailsOnceAtStartHandler's {(stage switch { StartFault.Stages.Constructor => "constructor", StartFault.Stages.Init => "InitAsync", _ => "HandleMessagesAsync" })} for {Topic}/0 threw InvalidOperationException: planted failure", crash, StringComparison.Ordinal);
        Assert.Contains($"at {from}", crash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OffsetResetPolicy.ResetToEarliest, AssignmentStrategy.Range)]
    [InlineData(OffsetResetPolicy.ResetToLatest, AssignmentStrategy.Range)]
    [InlineData(OffsetResetPolicy.ResetToEarliest, AssignmentStrategy.CooperativeSticky)]
    [InlineData(OffsetResetPolicy.ResetToLatest, AssignmentStrategy.CooperativeSticky)]
    public async Task Records_deleted_under_a_consuming_member_are_reset_by_the_group_manager_per_the_offset_reset_policy(
        OffsetResetPolicy policy, AssignmentStrategy strategy)
    {
        // librdkafka refuses a seek on a partition it stopped for an out-of-range position: the port assigns it again,
        // incrementally under the cooperative protocol, with the whole assignment under the eager one.
        var group = $"ledger-reset-{policy}-{strategy}";
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(Topic, partitions: 1);
        using var producer = TestClients.Producer(cluster);
        await Produce(producer, Topic, partition: 0, count: 100);
        var log = new HandledLog();
        var options = Options(cluster, group, StartPosition.Earliest);
        options.Handler = typeof(AckWhenReleasedHandler);
        options.HandlerInitArgs = log;
        options.AssignmentStrategy = strategy;
        // The window pauses the partition once more than 5 messages are unacknowledged, so the member's position stays at 6.
        options.Config = options.Config with { PrefetchCount = 5, PrefetchBytes = 0, OffsetResetPolicy = policy };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Warning));
        var resets = new List<GroupEffect.Diagnostic>();
        var landed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        consumer.DiagnosticReported += (_, d) =>
        {
            if (d.Kind is DiagnosticKind.OffsetOutOfRange or DiagnosticKind.OffsetReset)
            {
                lock (resets)
                {
                    resets.Add(d.Diagnostic);
                }

                if (d.Kind == DiagnosticKind.OffsetReset)
                {
                    landed.TrySetResult();
                }
            }
        };
        await consumer.StartAsync();
        await WaitUntil(() => log.Offsets(0).Count >= 6, "a full prefetch window");
        Assert.Equal(Enumerable.Range(0, 6).Select(o => (long)o), log.Offsets(0));

        // Retention deletes what the member would fetch next; then the member acks, its window resumes, and the fetch at 6
        // is out of range. (Each refill of a five-message window waits for librdkafka's next fetch, about half a second
        // here, so the catch-up after the reset is kept short.)
        cluster.DeleteRecords(Topic, 0, beforeOffset: 90);
        log.ReleaseAcks();
        consumer.Ack(Topic, 0, log.Generations().Single(), 5);
        await WaitUntil(landed.Task, "the offset reset to land");
        var resumeAt = policy == OffsetResetPolicy.ResetToEarliest ? 90 : 100;
        var end = 110;
        await Produce(producer, Topic, partition: 0, count: 10);
        await WaitUntil(() => CommittedAll(consumer, Topic, new Dictionary<int, long> { [0] = end }), $"commits up to {end}");
        await consumer.StopAsync();
        await consumer.Completion;

        // Consumption went on exactly where the policy says: the log start (earliest) or the high watermark at the reset (latest).
        Assert.Equal(
            Enumerable.Range(0, 6).Concat(Enumerable.Range(resumeAt, end - resumeAt)).Select(o => (long)o),
            log.Offsets(0).Distinct().Order());
        var outOfRange = Assert.Single(resets, d => d.Kind == DiagnosticKind.OffsetOutOfRange);
        Assert.Equal(6, outOfRange.Offset);
        var reset = Assert.Single(resets, d => d.Kind == DiagnosticKind.OffsetReset);
        Assert.Equal((resumeAt, resumeAt - 6L), (reset.Offset, reset.SkippedOffsets));
    }

    private static KafkaConsumerOptions Options(MockKafkaCluster cluster, string group, StartPosition begin) => new()
    {
        Group = group,
        Topics = [Topic],
        BootstrapServers = cluster.BootstrapServers,
        CommitIntervalMs = 100,
        Config = new ElsaConsumerConfig { BeginOffset = begin, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 },
        SessionTimeoutMs = 3_000,
        KafkaProperties = { ["reconnect.backoff.max.ms"] = "500", ["heartbeat.interval.ms"] = "500" },
    };
}
