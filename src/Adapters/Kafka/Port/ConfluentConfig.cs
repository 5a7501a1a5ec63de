using System.Globalization;
using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Options;

namespace Elsa.Sim.Kafka.Port;

/// <summary>Turns <see cref="KafkaConsumerOptions"/> into librdkafka properties. One table, so docs/kafka.md can mirror it
/// line by line.</summary>
internal static class ConfluentConfig
{
    // librdkafka's default fetch.max.bytes; raised only when one partition may return more (max_bytes).
    private const int DefaultFetchMaxBytes = 52_428_800;

    /// <summary>Properties the adapter sets from its own options; <see cref="KafkaConsumerOptions.KafkaProperties"/> may
    /// not override them, or the host's guarantees (no auto commit, no auto store, Elsa's fetch options) would break.</summary>
    public static IReadOnlySet<string> ManagedProperties { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "metadata.broker.list", "group.id", "group.instance.id", "enable.auto.commit",
        "enable.auto.offset.store", "enable.partition.eof", "auto.offset.reset", "partition.assignment.strategy",
        "session.timeout.ms", "fetch.min.bytes", "fetch.max.bytes", "max.partition.fetch.bytes", "fetch.message.max.bytes",
        "fetch.wait.max.ms", "group.protocol", "group.remote.assignor",
    };

    public static Dictionary<string, string> Build(KafkaConsumerOptions options)
    {
        var config = options.Config;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in options.KafkaProperties)
        {
            properties[key] = value;
        }

        properties["bootstrap.servers"] = options.BootstrapServers;
        properties["group.id"] = options.Group;
        // The group manager decides what is committed and when; librdkafka must neither commit nor store by itself.
        properties["enable.auto.commit"] = "false";
        properties["enable.auto.offset.store"] = "false";
        properties["enable.partition.eof"] = "false";
        // librdkafka must never move a position silently: an out-of-range position comes back as an error, and the group
        // manager applies offset_reset_policy, with a diagnostic that counts what the reset skipped (docs/kafka.md).
        properties["auto.offset.reset"] = "error";
        if (options.GroupProtocol == ConsumerGroupProtocol.Consumer)
        {
            // KIP-848: the coordinator assigns and the broker's group configuration sets the session timeout; librdkafka
            // refuses the classic protocol's client-side settings with it.
            properties["group.protocol"] = "consumer";
        }
        else
        {
            properties["partition.assignment.strategy"] = options.AssignmentStrategy switch
            {
                AssignmentStrategy.Range => "range",
                AssignmentStrategy.RoundRobin => "roundrobin",
                AssignmentStrategy.CooperativeSticky => "cooperative-sticky",
                _ => throw new ArgumentOutOfRangeException(nameof(options), options.AssignmentStrategy, "unknown assignment strategy"),
            };
        }

        if (options.GroupInstanceId is { } instance)
        {
            properties["group.instance.id"] = instance;
        }

        if (options.SessionTimeoutMs is { } session)
        {
            properties["session.timeout.ms"] = Text(session);
        }

        // librdkafka's minimum is 1 byte; brod's 0 ("answer at once, even empty") differs only in an idle broker's
        // pacing, which max_wait_time bounds either way.
        properties["fetch.min.bytes"] = Text(Math.Max(1, config.MinBytes));
        // brod's max_bytes is per partition and per fetch, which is librdkafka's max.partition.fetch.bytes.
        properties["max.partition.fetch.bytes"] = Text(Math.Max(1, config.MaxBytes));
        if (config.MaxBytes > DefaultFetchMaxBytes)
        {
            properties["fetch.max.bytes"] = Text(config.MaxBytes);
        }

        properties["fetch.wait.max.ms"] = Text(config.MaxWaitTimeMs);
        // prefetch_count and prefetch_bytes bound each worker's window (Workers/PrefetchWindow), not librdkafka's queue:
        // that queue is shared by every partition, and capping it at one window's size cut a 12-partition consumer from
        // about 77,000 to 4,000 messages/s on the mock cluster. Tune it, if needed, with queued.max.messages.kbytes.
        return properties;
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
