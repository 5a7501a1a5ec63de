using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>The most managed memory an <see cref="ElsaConsumer"/> holds, against the goal of prefetch_bytes × partitions
/// plus a constant: every handler is stuck in its first batch (<see cref="StuckHandler"/>) while each partition has
/// more than prefetch_bytes waiting, so every window fills until it pauses its partition. The live heap (after a full
/// collection) is read every 250 ms until it stops growing; the run prints it beside the heap before the consumer
/// started. The time BenchmarkDotNet reports is only how long the windows took to fill.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class WindowMemoryBenchmarks
{
    private const int SizeBytes = 100;

    // 120 KB per partition, more than prefetch_bytes (100 KiB), so each window can fill and pause.
    private const int MessagesPerPartition = 1_200;
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private MockKafkaCluster? _cluster;
    private int _run;

    [Params(12, 48, 192)]
    public int Partitions { get; set; }

    [GlobalSetup]
    public void Setup() => _cluster = MockKafkaCluster.Start(brokers: 1, new MockClusterOptions { GroupInitialRebalanceDelayMs = 0 });

    [GlobalCleanup]
    public void Cleanup() => _cluster?.Dispose();

    [Benchmark]
    public long ElsaSimConsumerFullWindows()
    {
        var topic = $"memory-{Interlocked.Increment(ref _run)}";
        _cluster!.CreateTopic(topic, Partitions);
        using var stop = new CancellationTokenSource(Limit);
        ProducerFeed.Start(_cluster, topic, Partitions, Partitions * MessagesPerPartition, SizeBytes, () => 0, stop.Token).Wait(stop.Token);
        StuckHandler.Reset();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var consumer = KafkaConsumers.Create(new KafkaConsumerOptions
        {
            Group = $"memory-{topic}",
            Topics = [topic],
            Handler = typeof(StuckHandler),
            BootstrapServers = _cluster.BootstrapServers,
            Config = new ElsaConsumerConfig { BeginOffset = Elsa.Sim.Core.StartPosition.Earliest, MaxWaitTimeMs = 500 },
        });
        consumer.StartAsync(stop.Token).GetAwaiter().GetResult();
        var peak = 0L;
        var lastGrowth = DateTime.UtcNow;
        // Filled once every handler holds a batch and the heap has not grown by 1% for 2 s.
        while (StuckHandler.Stuck < Partitions || DateTime.UtcNow - lastGrowth < TimeSpan.FromSeconds(2))
        {
            stop.Token.ThrowIfCancellationRequested();
            Thread.Sleep(Sample);
            var live = GC.GetTotalMemory(forceFullCollection: true) - before;
            if (live > peak * 1.01)
            {
                lastGrowth = DateTime.UtcNow;
            }

            peak = Math.Max(peak, live);
        }

        StuckHandler.Release();
        consumer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var bound = Partitions * (long)new ElsaConsumerConfig().PrefetchBytes;
        Console.WriteLine($"// {Partitions} partitions: live heap grew by {peak / 1_048_576.0:F2} MiB while every window was full " +
            $"({peak / (double)Partitions / 1024:F0} KiB per partition; prefetch_bytes × partitions = {bound / 1_048_576.0:F2} MiB)");
        return peak;
    }
}
