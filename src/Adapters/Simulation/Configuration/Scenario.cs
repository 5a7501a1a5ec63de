using System.Globalization;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;

namespace Elsa.Sim.Simulation;

/// <summary>What a seed decides beyond its faults: the consumer configuration every member runs (swarm testing covers
/// the configuration too, so each seed draws its own unless <see cref="SimulationOptions.Pins"/> fixes it) and each
/// partition's produce rate.</summary>
/// <param name="Protocol">The rebalance protocol.</param>
/// <param name="DirectAck">Whether acks are committed at once.</param>
/// <param name="CommitIntervalMs">The commit interval.</param>
/// <param name="MessagesPerSecond">Each partition's produce rate (unused when the options script the workload with
/// <see cref="SimulationOptions.MessagesPerPartition"/>).</param>
/// <param name="BeginOffset"><c>begin_offset</c>.</param>
/// <param name="OffsetResetPolicy"><c>offset_reset_policy</c>.</param>
/// <param name="PrefetchCount"><c>prefetch_count</c>.</param>
/// <param name="PrefetchBytes"><c>prefetch_bytes</c>.</param>
/// <param name="Restart">The restart backoff, budget and policy.</param>
/// <param name="StaticMembership">Whether the members are static (<c>group.instance.id</c>).</param>
public sealed record Scenario(
    RebalanceProtocol Protocol, bool DirectAck, long CommitIntervalMs, IReadOnlyList<int> MessagesPerSecond,
    StartPosition BeginOffset, OffsetResetPolicy OffsetResetPolicy, int PrefetchCount, int PrefetchBytes, RestartConfig Restart,
    bool StaticMembership)
{
    internal static Scenario Draw(ulong seed, SimulationOptions options)
    {
        var rng = SimRandom.Stream(seed, 0x5CE4);
        var pins = options.Pins;
        // One draw, as before KIP-848: two thirds of the seeds keep the protocol they had; a third each of eager,
        // cooperative and consumer.
        var protocol = Pinned(options.Protocol, rng.NextDouble() switch
        {
            < 1.0 / 3 => RebalanceProtocol.Eager,
            < 0.5 => RebalanceProtocol.Consumer,
            < 5.0 / 6 => RebalanceProtocol.Cooperative,
            _ => RebalanceProtocol.Consumer,
        });
        var directAck = Pinned(pins.DirectAck, rng.Chance(0.25));
        var commitIntervalMs = Pinned(pins.CommitIntervalMs, rng.Between(1_000, 5_000));
        var partitions = options.Topics * options.PartitionsPerTopic;
        var rates = Enumerable.Range(0, partitions).Select(_ => (int)rng.Between(1, options.MaxMessagesPerSecond)).ToArray();

        // Drawn after what older versions drew, so those draws stay where they were. Each value is drawn even when pinned,
        // so pinning one leaves the others as the seed had them.
        var beginOffset = Pinned(pins.BeginOffset, rng.Next(3) switch
        {
            0 => StartPosition.Earliest,
            1 => StartPosition.Latest,
            // Sometimes past what producers have appended by the first start: an out-of-range start, reset per policy.
            _ => StartPosition.At(rng.Between(0, 40)),
        });
        var resetPolicy = Pinned(pins.OffsetResetPolicy, rng.Chance(0.5) ? OffsetResetPolicy.ResetToEarliest : OffsetResetPolicy.ResetToLatest);
        var prefetchCount = Pinned(pins.PrefetchCount, Pick(rng, 0, 1, 10, 10, 100));
        var prefetchBytes = Pinned(pins.PrefetchBytes, Pick(rng, 0, 1_000, 102_400, 102_400));
        var restart = new RestartConfig
        {
            BackoffMs = Pick(rng, 0L, 100L, 100L, 1_000L),
            MaxBackoffMs = 10_000,
            MaxRestarts = Pinned(pins.MaxRestarts, Pick(rng, 0, 1, 3, 3, 10)),
            WithinMs = Pick(rng, 1_000L, 5_000L, 5_000L, 30_000L),
            // One draw, as before dead letters: the seeds that failed the group still do; those that parked now park or
            // dead-letter, half each.
            WhenExhausted = Pinned(pins.WhenExhausted, rng.NextDouble() switch
            {
                < 0.5 => RestartExhaustedPolicy.FailGroup,
                < 0.75 => RestartExhaustedPolicy.ParkPartition,
                _ => RestartExhaustedPolicy.DeadLetter,
            }),
        };
        var staticMembership = Pinned(pins.StaticMembership, rng.Chance(0.25));
        return new Scenario(protocol, directAck, commitIntervalMs, rates, beginOffset, resetPolicy, prefetchCount, prefetchBytes, restart, staticMembership);
    }

    /// <summary>The consumer options every member of the run gets (the handler and its arguments are the member's).</summary>
    internal ElsaConsumerOptions ToConsumerOptions(IReadOnlyList<string> topics) => new()
    {
        Group = "simulated-group",
        Topics = [.. topics],
        DirectAck = DirectAck,
        CommitIntervalMs = CommitIntervalMs,
        Config = new ElsaConsumerConfig
        {
            BeginOffset = BeginOffset,
            OffsetResetPolicy = OffsetResetPolicy,
            PrefetchCount = PrefetchCount,
            PrefetchBytes = PrefetchBytes,
        },
        Restart = Restart,
    };

    /// <summary>Each drawn setting as <c>name=value</c>, in a fixed order: the trace header and explore's tally of what
    /// the seeds drew.</summary>
    public IReadOnlyList<string> Settings() =>
    [
        $"protocol={Protocol.ToString().ToLowerInvariant()}",
        $"membership={(StaticMembership ? "static" : "dynamic")}",
        $"begin_offset={(BeginOffset.Kind == StartPositionKind.Offset ? "offset" : BeginOffset.ToString())}",
        $"offset_reset_policy={(OffsetResetPolicy == OffsetResetPolicy.ResetToEarliest ? "earliest" : "latest")}",
        $"direct_ack={(DirectAck ? "on" : "off")}",
        $"commit_interval={Bucket(CommitIntervalMs, 2_000, 4_000)}",
        $"prefetch_count={PrefetchCount.ToString(CultureInfo.InvariantCulture)}",
        $"prefetch_bytes={PrefetchBytes.ToString(CultureInfo.InvariantCulture)}",
        $"max_restarts={Restart.MaxRestarts.ToString(CultureInfo.InvariantCulture)}",
        $"restart_window={Restart.WithinMs.ToString(CultureInfo.InvariantCulture)}ms",
        $"restart_backoff={Restart.BackoffMs.ToString(CultureInfo.InvariantCulture)}ms",
        $"when_exhausted={Restart.WhenExhausted switch { RestartExhaustedPolicy.FailGroup => "fail_group", RestartExhaustedPolicy.ParkPartition => "park_partition", _ => "dead_letter" }}",
    ];

    /// <summary>A restart policy as <c>--when-exhausted</c> names it.</summary>
    internal static string PolicyName(RestartExhaustedPolicy policy) => policy switch
    {
        RestartExhaustedPolicy.FailGroup => "fail",
        RestartExhaustedPolicy.ParkPartition => "park",
        _ => "dead-letter",
    };

    /// <summary>One line for a story or a log.</summary>
    public string Describe(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return $"{options.Members} {(StaticMembership ? "static" : "dynamic")} members, {options.Topics} topics x {options.PartitionsPerTopic} partitions, {Protocol.ToString().ToLowerInvariant()} protocol, " +
            $"begin_offset {BeginOffset}, offset_reset_policy {(OffsetResetPolicy == OffsetResetPolicy.ResetToEarliest ? "earliest" : "latest")}, " +
            $"direct_ack {(DirectAck ? "on" : "off")}, commits every {CommitIntervalMs} ms, prefetch {PrefetchCount} messages / {PrefetchBytes} B, " +
            $"restarts {Restart.MaxRestarts} in {Restart.WithinMs} ms (backoff {Restart.BackoffMs} ms) then {(Restart.WhenExhausted switch { RestartExhaustedPolicy.FailGroup => "fail the group", RestartExhaustedPolicy.ParkPartition => "park the partition", _ => "dead-letter the message" })}, " +
            (options.MessagesPerPartition is { } scripted ? $"{scripted} messages per partition at once" : $"{MessagesPerSecond.Sum()} messages/s in all");
    }

    private static T Pinned<T>(T? pinned, T drawn) where T : struct => pinned ?? drawn;

    private static T Pick<T>(SimRandom rng, params T[] choices) => choices[rng.Next(choices.Length)];

    private static string Bucket(long ms, long low, long high) => ms < low ? $"<{low}ms" : ms < high ? $"{low}-{high}ms" : $">={high}ms";
}
