using Elsa.Sim.Core;
using Elsa.Sim.Integration.Tests.Adapter;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Elsa.Sim.Kafka.MockCluster;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>Settings and bounds for groups of several <see cref="ElsaConsumer"/> members on one mock cluster.</summary>
internal static class GroupTestSupport
{
    /// <summary>The hard cap on one group test.</summary>
    public static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(60);

    /// <summary>Options for one member. The mock coordinator waits session.timeout.ms − 1 s for members to rejoin when
    /// a member joins a group that is up, so the session is short and heartbeats frequent. Under KIP-848's protocol the
    /// coordinator sets both, and the client may not.</summary>
    public static KafkaConsumerOptions MemberOptions(MockKafkaCluster cluster, string group, string topic, HandledLog log,
        Type? handler = null, ConsumerGroupProtocol protocol = ConsumerGroupProtocol.Classic)
    {
        var options = new KafkaConsumerOptions
        {
            Group = group,
            Topics = [topic],
            Handler = handler ?? typeof(AckingHandler),
            HandlerInitArgs = log,
            BootstrapServers = cluster.BootstrapServers,
            CommitIntervalMs = 100,
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest, MaxWaitTimeMs = 100, SleepTimeoutMs = 100 },
            SessionTimeoutMs = 6_000,
            RebalanceTimeoutMs = 20_000,
        };
        options.KafkaProperties["reconnect.backoff.max.ms"] = "500";
        if (protocol == ConsumerGroupProtocol.Consumer)
        {
            options.GroupProtocol = protocol;
            options.SessionTimeoutMs = null;
        }
        else
        {
            options.KafkaProperties["heartbeat.interval.ms"] = "500";
        }

        return options;
    }

    /// <summary>Runs <paramref name="test"/> and fails, naming it, if it takes longer than <see cref="TestLimit"/>.</summary>
    public static async Task WithinLimit(string name, Func<Task> test)
    {
        var run = test();
        if (await Task.WhenAny(run, Task.Delay(TestLimit)) != run)
        {
            Assert.Fail($"{name} did not finish within {TestLimit.TotalSeconds} s (hard cap per group test).");
        }

        await run;
    }

    /// <summary>How many partitions the members own together, and whether each owns at least one.</summary>
    public static bool Split(IReadOnlyList<ElsaConsumer> members, int partitions) =>
        members.All(m => m.State.Partitions.Count > 0) && members.Sum(m => m.State.Partitions.Count) == partitions;

    /// <summary>The committed offsets read back from the broker, Kafka's "nothing committed" (-1001) as 0.</summary>
    public static Dictionary<int, long> CommittedNow(MockKafkaCluster cluster, string group, string topic, IEnumerable<int> partitions) =>
        ConsumerTestSupport.ReadCommitted(cluster, group, topic, partitions).ToDictionary(c => c.Partition, c => Math.Max(0, c.Offset));

    /// <summary>Offsets of <paramref name="partition"/> handled more than once.</summary>
    public static long[] Duplicates(HandledLog log, int partition) =>
        [.. log.Offsets(partition).GroupBy(o => o).Where(g => g.Count() > 1).Select(g => g.Key).Order()];

    /// <summary>Counts diagnostics by kind over several members.</summary>
    public static Dictionary<DiagnosticKind, int> CountDiagnostics(params ElsaConsumer[] members)
    {
        var counts = new Dictionary<DiagnosticKind, int>();
        foreach (var member in members)
        {
            member.DiagnosticReported += (_, d) =>
            {
                lock (counts)
                {
                    counts[d.Kind] = counts.GetValueOrDefault(d.Kind) + 1;
                }
            };
        }

        return counts;
    }

    public static int Count(Dictionary<DiagnosticKind, int> counts, DiagnosticKind kind)
    {
        lock (counts)
        {
            return counts.GetValueOrDefault(kind);
        }
    }
}
