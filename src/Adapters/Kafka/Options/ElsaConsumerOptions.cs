using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Options;

/// <summary>Everything an <see cref="Hosting.ElsaConsumer"/> needs: Elsa's start options under Elsa's names (group,
/// topics, handler, handler_init_args, the two lifecycle callbacks, direct_ack, the commit interval, the consumer
/// <c>config</c>), plus what a librdkafka consumer needs. See docs/kafka.md for how each maps onto librdkafka.</summary>
public sealed class ElsaConsumerOptions
{
    /// <summary>The name of the consumer registered under no name of its own.</summary>
    public const string DefaultName = "default";

    /// <summary>Which consumer of the process this is: the name it was registered under with <c>AddElsaConsumer</c>. It
    /// tags the consumer's metrics (<c>elsa.consumer</c>) and names its health check. Default <see cref="DefaultName"/>.</summary>
    public string Name { get; set; } = DefaultName;

    /// <summary><c>group</c>: the consumer group id (librdkafka's <c>group.id</c>).</summary>
    public string Group { get; set; } = "";

    /// <summary><c>topics</c>: the topics to subscribe to.</summary>
    public IList<string> Topics { get; set; } = [];

    /// <summary><c>handler</c>: the <see cref="IMessageHandler"/> type; one instance is created per worker start.</summary>
    public Type? Handler { get; set; }

    /// <summary><c>handler_init_args</c>: passed to every handler's <see cref="IMessageHandler.InitAsync"/>.</summary>
    public object? HandlerInitArgs { get; set; }

    /// <summary><c>assignment_received_handler</c>: called per assigned partition before its worker starts; an error stops
    /// the consumer.</summary>
    public AssignmentReceivedCallback? AssignmentReceivedHandler { get; set; }

    /// <summary><c>assignments_revoked_handler</c>: called once revoked partitions' workers stopped and their acks were
    /// committed.</summary>
    public AssignmentsRevokedCallback? AssignmentsRevokedHandler { get; set; }

    /// <summary><c>direct_ack</c>: commit every ack at once instead of on the commit interval. Default false.</summary>
    public bool DirectAck { get; set; }

    /// <summary>How often acked offsets are committed. Default 5 000 ms.</summary>
    public long CommitIntervalMs { get; set; } = 5_000;

    /// <summary>With <see cref="DirectAck"/>: how long after a retriable commit failure the offsets are sent again.
    /// Default 100 ms.</summary>
    public long CommitRetryBackoffMs { get; set; } = 100;

    /// <summary><c>config</c>: Elsa's consumer options (<c>min_bytes</c>, <c>max_bytes</c>, <c>max_wait_time</c>,
    /// <c>sleep_timeout</c>, <c>prefetch_count</c>, <c>prefetch_bytes</c>, <c>begin_offset</c>,
    /// <c>offset_reset_policy</c>).</summary>
    public ConsumerConfig Config { get; set; } = new();

    /// <summary>How crashed workers are restarted.</summary>
    public RestartConfig Restart { get; set; } = new();

    /// <summary>librdkafka's <c>bootstrap.servers</c>: where the cluster is, as <c>host:port,host:port</c>.</summary>
    public string BootstrapServers { get; set; } = "";

    /// <summary>librdkafka's <c>partition.assignment.strategy</c>. Default <see cref="AssignmentStrategy.Range"/>.</summary>
    public AssignmentStrategy AssignmentStrategy { get; set; } = AssignmentStrategy.Range;

    /// <summary>librdkafka's <c>group.instance.id</c> (static membership), or null for a dynamic member.</summary>
    public string? GroupInstanceId { get; set; }

    /// <summary>librdkafka's <c>session.timeout.ms</c>, or null for librdkafka's default (45 000 ms).</summary>
    public int? SessionTimeoutMs { get; set; }

    /// <summary>How long a rebalance callback waits for the group manager (assignment callbacks, workers stopping, the
    /// revocation commit) before the consumer gives up and fails. Must stay below librdkafka's
    /// <c>max.poll.interval.ms</c> (default 300 000 ms). Default 60 000 ms.</summary>
    public int RebalanceTimeoutMs { get; set; } = 60_000;

    /// <summary>How long one broker query the host makes itself (committed offsets, watermarks) may take; commits are
    /// bounded by librdkafka's own request timeouts. Default 10 000 ms.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>Any other librdkafka properties, passed through as given. Properties the adapter manages (see
    /// docs/kafka.md) are refused.</summary>
    public IDictionary<string, string> KafkaProperties { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>What was wrong with the configuration these options were bound from (unknown keys, values that do not
    /// convert): reported with the validator's problems, in one error.</summary>
    internal IReadOnlyList<string> ConfigurationProblems { get; set; } = [];

    /// <summary>The core's view of these options: the part the group manager checks and runs on.</summary>
    public GroupConfig ToGroupConfig() => new()
    {
        Group = Group ?? "",
        Topics = (Topics ?? []).Select(t => t ?? "").ToValueList(),
        Handler = Handler,
        HandlerInitArgs = HandlerInitArgs,
        AssignmentReceivedHandler = AssignmentReceivedHandler,
        AssignmentsRevokedHandler = AssignmentsRevokedHandler,
        DirectAck = DirectAck,
        CommitIntervalMs = CommitIntervalMs,
        CommitRetryBackoffMs = CommitRetryBackoffMs,
        Config = Config,
        Restart = Restart,
    };

    /// <summary>A copy whose collections are the copy's own, so a consumer is not changed by later edits to the options
    /// it was built from.</summary>
    internal ElsaConsumerOptions Clone()
    {
        var copy = (ElsaConsumerOptions)MemberwiseClone();
        copy.Topics = [.. Topics];
        copy.KafkaProperties = new Dictionary<string, string>(KafkaProperties, StringComparer.Ordinal);
        return copy;
    }
}
