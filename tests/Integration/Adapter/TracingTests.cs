using System.Diagnostics;
using System.Text;
using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static Elsa.Sim.Integration.Tests.Adapter.ConsumerTestSupport;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>The host's spans on the mock cluster: one <c>process</c> consumer span per batch handed to a handler, with
/// OpenTelemetry's messaging attributes, current while the handler runs, failed when the handler throws, and linked to the
/// producer's span of each message that carries a W3C <c>traceparent</c> header, which the handler sees too.</summary>
public sealed class TracingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_batch_is_a_process_span_with_the_messaging_attributes_and_a_handler_crash_fails_its_span()
    {
        // Activity sources are process-wide and other tests run in parallel: this test keeps only its own topic's spans.
        var topic = $"traced-{Guid.NewGuid():N}";
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ElsaConsumer.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("messaging.destination.name") as string == topic)
                {
                    lock (spans)
                    {
                        spans.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic(topic, partitions: 2);
        using var producer = TestClients.Producer(cluster);
        // Partition 0's messages were produced by traced code: each carries its producer span's traceparent (and a header
        // of the application's own).
        var producerSpans = new List<ActivityContext>();
        for (var i = 0; i < 10; i++)
        {
            var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
            producerSpans.Add(context);
            await producer.ProduceAsync(new TopicPartition(topic, 0), new Message<string, string>
            {
                Key = $"k{i}",
                Value = $"v{i}",
                Headers = new Headers
                {
                    { "traceparent", Encoding.UTF8.GetBytes($"00-{context.TraceId}-{context.SpanId}-01") },
                    { "tenant", Encoding.UTF8.GetBytes("acme") },
                },
            });
        }

        await Produce(producer, topic, partition: 1, count: 10);
        var log = new HandledLog();
        log.CrashOnceAt(partition: 1, offset: 4);
        var options = new KafkaConsumerOptions
        {
            Name = "traced",
            Group = $"{topic}-group",
            Topics = [topic],
            BootstrapServers = cluster.BootstrapServers,
            Handler = typeof(AckingHandler),
            HandlerInitArgs = log,
            CommitIntervalMs = 100,
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 },
            SessionTimeoutMs = 3_000,
        };
        await using var consumer = KafkaConsumers.Create(options, new TestOutputLoggerFactory(output, LogLevel.Warning));
        await consumer.StartAsync();
        await WaitUntil(() => CommittedAll(consumer, topic, new Dictionary<int, long> { [0] = 10, [1] = 10 }), "every message handled and committed");
        await consumer.StopAsync();
        await consumer.Completion;

        Activity[] seen;
        lock (spans)
        {
            seen = [.. spans];
        }

        Assert.NotEmpty(seen);
        Assert.All(seen, span =>
        {
            Assert.Equal($"process {topic}", span.DisplayName);
            Assert.Equal(ActivityKind.Consumer, span.Kind);
            Assert.Equal("kafka", span.GetTagItem("messaging.system"));
            Assert.Equal("process", span.GetTagItem("messaging.operation.type"));
            Assert.Equal(options.Group, span.GetTagItem("messaging.consumer.group.name"));
            Assert.Equal("traced", span.GetTagItem("elsa.consumer"));
            var (first, last) = ((long)span.GetTagItem("elsa.offset.first")!, (long)span.GetTagItem("elsa.offset.last")!);
            Assert.Equal((int)(last - first + 1), span.GetTagItem("messaging.batch.message_count"));
        });

        // Every message of both partitions was in some span; the batch that held the planted crash failed its span.
        foreach (var partition in new[] { "0", "1" })
        {
            var covered = seen.Where(s => (string)s.GetTagItem("messaging.destination.partition.id")! == partition)
                .SelectMany(s => Range((long)s.GetTagItem("elsa.offset.first")!, (long)s.GetTagItem("elsa.offset.last")!))
                .ToHashSet();
            Assert.True(Enumerable.Range(0, 10).All(o => covered.Contains(o)), $"partition {partition}: offsets in spans {string.Join(",", covered.Order())}");
        }

        var failed = Assert.Single(seen, s => s.Status == ActivityStatusCode.Error);
        Assert.Equal("1", failed.GetTagItem("messaging.destination.partition.id"));
        Assert.InRange(4L, (long)failed.GetTagItem("elsa.offset.first")!, (long)failed.GetTagItem("elsa.offset.last")!);
        Assert.Equal(typeof(InvalidOperationException).FullName, failed.GetTagItem("error.type"));
        Assert.Contains(failed.Events, e => e.Name == "exception");
        Assert.All(seen.Where(s => s.Status != ActivityStatusCode.Error), s => Assert.Equal("ack", s.GetTagItem("elsa.result")));

        // Each span of partition 0 links to the producer span of every message in its batch; partition 1's carry no
        // traceparent, so their spans have no links. The handler saw each message's headers as produced.
        foreach (var span in seen)
        {
            var (first, last) = ((long)span.GetTagItem("elsa.offset.first")!, (long)span.GetTagItem("elsa.offset.last")!);
            var expected = (string)span.GetTagItem("messaging.destination.partition.id")! == "0"
                ? Range(first, last).Select(o => producerSpans[(int)o].TraceId.ToString())
                : [];
            Assert.Equal(expected, span.Links.Select(l => l.Context.TraceId.ToString()));
            Assert.All(span.Links, l => Assert.True(l.Context.IsRemote));
        }

        for (var offset = 0; offset < 10; offset++)
        {
            var headers = log.HeadersOf(0, offset);
            Assert.Equal(["traceparent", "tenant"], headers.Select(h => h.Key));
            Assert.Equal("acme", Encoding.UTF8.GetString(headers[1].Value.Span));
            Assert.Empty(log.HeadersOf(1, offset));
        }
    }

    private static IEnumerable<long> Range(long first, long last)
    {
        for (var offset = first; offset <= last; offset++)
        {
            yield return offset;
        }
    }
}
