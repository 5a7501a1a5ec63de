using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>1,000,000 messages of 100 bytes from 12 (and 48) partitions of the embedded mock cluster, each run on a fresh
/// topic fed while it is consumed: a bare Confluent.Kafka consumer (Consume + StoreOffset, auto commit) against an
/// <see cref="ElsaConsumer"/> whose handler acks every batch. Each run prints the largest heap that survived a
/// collection. Goals: the adapter at least 0.95 of the bare consumer's messages/s; its managed memory within
/// prefetch_bytes × partitions plus a constant, which the two partition counts show. One long invocation per
/// iteration, so the monitoring strategy (no pilot, no unrolling); five of them, because single runs vary by a second.</summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ConsumeBenchmarks
{
    private const int Messages = 1_000_000;
    private const int SizeBytes = 100;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private MockKafkaCluster? _cluster;
    private int _run;

    [Params(12, 48)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup() => _cluster = MockKafkaCluster.Start(brokers: 1, new MockClusterOptions { GroupInitialRebalanceDelayMs = 0 });

    [GlobalCleanup]
    public void Cleanup() => _cluster?.Dispose();

    [Benchmark(Baseline = true)]
    public long BareConfluentConsumer()
    {
        var topic = NewTopic();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = _cluster!.BootstrapServers,
            GroupId = $"bare-{topic}",
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoOffsetStore = false,
        }).SetLogHandler((_, _) => { }).Build();
        var consumed = 0L;
        using var memory = new PeakMemory();
        using var stop = new CancellationTokenSource(Limit);
        var feed = ProducerFeed.Start(_cluster, topic, Partitions, Messages, SizeBytes, () => Interlocked.Read(ref consumed), stop.Token);
        consumer.Subscribe(topic);
        while (Interlocked.Read(ref consumed) < Messages)
        {
            stop.Token.ThrowIfCancellationRequested();
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                consumer.StoreOffset(result);
                Interlocked.Increment(ref consumed);
            }
        }

        consumer.Close();
        feed.Wait(stop.Token);
        Report("bare", memory.PeakBytes);
        return consumed;
    }

    [Benchmark]
    public long ElsaSimConsumer()
    {
        var topic = NewTopic();
        CountingHandler.Reset();
        using var memory = new PeakMemory();
        using var stop = new CancellationTokenSource(Limit);
        var feed = ProducerFeed.Start(_cluster!, topic, Partitions, Messages, SizeBytes, () => CountingHandler.Handled, stop.Token);
        var consumer = KafkaConsumers.Create(new KafkaConsumerOptions
        {
            Group = $"elsa-{topic}",
            Topics = [topic],
            Handler = typeof(CountingHandler),
            BootstrapServers = _cluster!.BootstrapServers,
            // librdkafka's fetch.wait.max.ms (500 ms), which the bare consumer uses, instead of Elsa's max_wait_time (10 s):
            // the mock cluster holds a fetch of a caught-up partition for the whole wait, so with 10 s a run stalled in
            // 10 s steps whenever the consumer caught up with the producer, and the two sides were not fetching alike.
            Config = new ElsaConsumerConfig { BeginOffset = Elsa.Sim.Core.StartPosition.Earliest, MaxWaitTimeMs = 500 },
        });
        var phases = Stopwatch.StartNew();
        consumer.StartAsync(stop.Token).GetAwaiter().GetResult();
        while (CountingHandler.Handled == 0)
        {
            stop.Token.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }

        var firstMessage = phases.Elapsed;
        while (CountingHandler.Handled < Messages)
        {
            stop.Token.ThrowIfCancellationRequested();
            Thread.Sleep(1);
        }

        var consumed = phases.Elapsed;
        consumer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        feed.Wait(stop.Token);
        Report("elsa", memory.PeakBytes);
        // Where a slow run spends its time: joining, consuming, or leaving.
        Console.WriteLine($"// elsa, {Partitions} partitions: first message after {firstMessage.TotalSeconds:F2} s, all after {consumed.TotalSeconds:F2} s, stopped after {phases.Elapsed.TotalSeconds:F2} s");
        return CountingHandler.Handled;
    }

    private string NewTopic()
    {
        var topic = $"bench-{Interlocked.Increment(ref _run)}";
        _cluster!.CreateTopic(topic, Partitions);
        return topic;
    }

    private void Report(string consumer, long peakBytes) =>
        Console.WriteLine($"// {consumer}, {Partitions} partitions: peak heap after a collection {peakBytes / 1_048_576.0:F1} MiB");
}
