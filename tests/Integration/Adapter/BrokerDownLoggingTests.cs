using System.Diagnostics;
using Elsa.Sim.Core;
using Elsa.Sim.Integration.Tests.MockCluster;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Kafka.Port;
using Elsa.Sim.Kafka.Telemetry;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>An unreachable broker on the Kafka port: librdkafka reports it on every reconnect attempt, through both its
/// error callback and its log; the port says each problem once and then summarizes the repeats.</summary>
public sealed class BrokerDownLoggingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan SummaryInterval = TimeSpan.FromSeconds(5);

    [Fact]
    public void A_broker_that_is_down_is_logged_once_per_problem_then_summarized_at_most_once_per_interval()
    {
        using var cluster = MockKafkaCluster.Start(brokers: 1);
        cluster.CreateTopic("orders", partitions: 1);
        var clock = new FakeTimeProvider();
        var repeats = new RepeatThrottle(clock, SummaryInterval);
        var logger = new CapturingLogger();
        var options = new KafkaConsumerOptions { Group = "order-handlers", Topics = ["orders"], BootstrapServers = cluster.BootstrapServers };
        // Reconnect attempts at a steady 100 ms: with librdkafka's default backoff (doubling up to 10 s) the 40 reports
        // took anywhere from a second to over 30 s, and the test failed once on a loaded machine.
        options.KafkaProperties["reconnect.backoff.max.ms"] = "100";
        using var port = new ConfluentConsumerPort(options, logger, repeats);
        cluster.SetBrokerDown(1);
        port.Subscribe(["orders"], new NoRebalances());

        // The fake clock stands still: every repeat falls within the interval.
        ConsumeUntil(port, () => repeats.Occurrences >= 40, "40 reports of the broker being down");
        var quiet = logger.Lines;
        clock.Advance(SummaryInterval);
        ConsumeUntil(port, () => logger.Lines.Count > quiet.Count, "the summary after the interval");
        var summaries = logger.Lines.Skip(quiet.Count).ToList();
        output.WriteLine(string.Join(Environment.NewLine, logger.Lines));

        Assert.InRange(quiet.Count, 1, 3);
        Assert.Equal(quiet.Count, quiet.Distinct().Count());
        Assert.Single(quiet, l => l.StartsWith("Kafka error Local_Transport: ", StringComparison.Ordinal));
        // The same failure, as librdkafka's log has it, is not said a second time.
        Assert.DoesNotContain(quiet, l => l.StartsWith("librdkafka FAIL", StringComparison.Ordinal));
        // One summary per problem that repeated in the interval (the refused connection, and librdkafka's "all brokers
        // down" when it repeated too), never two of one.
        Assert.InRange(summaries.Count, 1, quiet.Count);
        Assert.Equal(summaries.Count, summaries.Select(l => l.Split(" repeated ")[0]).Distinct().Count());
        Assert.Single(summaries, l => System.Text.RegularExpressions.Regex.IsMatch(l,
            @"^Kafka error Local_Transport repeated \d+ times in the last 5 s; the latest: .*Connection refused"));
    }

    private static void ConsumeUntil(ConfluentConsumerPort port, Func<bool> condition, string waitingFor)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TestClients.Limit, $"Gave up after {TestClients.Limit.TotalSeconds} s waiting for {waitingFor}.");
            port.ConsumeAsync(TimeSpan.FromMilliseconds(100)).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>No group forms while the only broker is down.</summary>
    private sealed class NoRebalances : IRebalanceListener
    {
        public ValueTask<IReadOnlyList<AssignedStart>> OnPartitionsAssignedAsync(IReadOnlyList<TopicPartitionId> partitions) =>
            throw new InvalidOperationException("no assignment can arrive while the broker is down");

        public ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartitionId> partitions) => ValueTask.CompletedTask;

        public ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartitionId> partitions) => ValueTask.CompletedTask;
    }
}
