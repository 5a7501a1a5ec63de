using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>The most managed memory an <see cref="ElsaConsumer"/> holds, against the goal of at most 1.2 × prefetch_bytes
/// per partition: every handler is stuck in its first batch (<see cref="StuckHandler"/>) while each partition has twice
/// prefetch_bytes waiting, so every window fills until it pauses its partition. Once every partition is paused (the
/// consumer's <c>elsa.consumer.partitions.paused</c>), the live heap (after a full collection) is read four times; the
/// run prints the largest beside the heap before the consumer started. The time BenchmarkDotNet reports is only how long
/// the windows took to fill.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 3)]
public class WindowMemoryBenchmarks
{
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);
    private MockKafkaCluster? _cluster;
    private int _run;

    [Params(12, 48)]
    public int Partitions { get; set; }

    /// <summary>Each message's value: small messages, where the objects around a message weigh more than its bytes, and
    /// 10 KB ones, where they do not.</summary>
    [Params(100, 10_000)]
    public int MessageBytes { get; set; }

    // Twice prefetch_bytes per partition, so each window can fill and pause.
    private int MessagesPerPartition => (int)(2 * new ElsaConsumerConfig().PrefetchBytes / MessageBytes) + 10;

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
        ProducerFeed.Start(_cluster, topic, Partitions, Partitions * MessagesPerPartition, MessageBytes, () => 0, stop.Token).Wait(stop.Token);
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
        using var paused = new PausedPartitions();
        consumer.StartAsync(stop.Token).GetAwaiter().GetResult();
        // Full once every handler holds its first batch and every window has paused its partition
        // (elsa.consumer.partitions.paused); then the live heap is read a few times.
        while (StuckHandler.Stuck < Partitions || paused.Count < Partitions)
        {
            stop.Token.ThrowIfCancellationRequested();
            Thread.Sleep(Sample);
        }

        var peak = 0L;
        for (var i = 0; i < 4; i++)
        {
            Thread.Sleep(Sample);
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - before);
        }

        StuckHandler.Release();
        consumer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var bound = Partitions * (long)new ElsaConsumerConfig().PrefetchBytes;
        Console.WriteLine($"// {Partitions} partitions, {MessageBytes} B messages: live heap grew by {peak / 1_048_576.0:F2} MiB while every " +
            $"window was full ({peak / (double)Partitions / 1024:F0} KiB per partition, {peak / (double)bound:F2} x prefetch_bytes; " +
            $"prefetch_bytes × partitions = {bound / 1_048_576.0:F2} MiB)");
        return peak;
    }

    /// <summary>The sum of <c>elsa.consumer.partitions.paused</c> over the process's consumers.</summary>
    private sealed class PausedPartitions : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _count;

        public PausedPartitions()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ElsaConsumer.MeterName && instrument.Name == "elsa.consumer.partitions.paused")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _count, value));
            _listener.Start();
        }

        public long Count => Interlocked.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
