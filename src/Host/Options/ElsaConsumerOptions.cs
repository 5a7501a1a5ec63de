using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Hosting;

/// <summary>Everything an <see cref="ElsaConsumer"/> needs, whatever client is behind its port: Elsa's start options under
/// Elsa's names (group, topics, handler, handler_init_args, the two lifecycle callbacks, direct_ack, the commit interval,
/// the consumer <c>config</c>) and the host's timeouts. A client adds its own (Elsa.Sim.Kafka's
/// <c>KafkaConsumerOptions</c>: where the cluster is, librdkafka's properties). See docs/kafka.md for how each maps onto
/// librdkafka.</summary>
public class ElsaConsumerOptions
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
    public ElsaConsumerConfig Config { get; set; } = new();

    /// <summary>How crashed workers are restarted.</summary>
    public RestartConfig Restart { get; set; } = new();

    /// <summary>Where poison messages go under <see cref="RestartExhaustedPolicy.DeadLetter"/>, required with that policy
    /// and refused without it. Elsa.Sim.Kafka sets it from <c>KafkaConsumerOptions.DeadLetterTopic</c>.</summary>
    public IDeadLetterWriter? DeadLetters { get; set; }

    /// <summary>How long a rebalance callback waits for the group manager (assignment callbacks, workers stopping, the
    /// revocation commit) before the consumer gives up and fails. With librdkafka it must stay below
    /// <c>max.poll.interval.ms</c> (default 300 000 ms). Default 60 000 ms.</summary>
    public int RebalanceTimeoutMs { get; set; } = 60_000;

    /// <summary>How long one broker query the host makes itself (committed offsets, watermarks) may take; commits are
    /// bounded by the client's own request timeouts. Default 10 000 ms.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

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
        copy.CopyCollections();
        return copy;
    }

    /// <summary>Whether poison messages have somewhere to go: <see cref="DeadLetters"/>, or what a client's options add.</summary>
    internal virtual bool HasDeadLetterDestination => DeadLetters is not null;

    /// <summary>Gives a copy made by <see cref="Clone"/> collections of its own, for what a client's options add.</summary>
    internal virtual void CopyCollections()
    {
    }
}
