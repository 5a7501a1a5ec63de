using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Testing;

/// <summary>How the kit runs a handler: the group's shape, which seeds, which faults, what the messages hold.</summary>
public sealed record HandlerTestOptions
{
    /// <summary>The faults the kit injects by default: every kind except retention (<see cref="FaultKind.FetchOutOfRange"/>
    /// deletes messages, so a run with it legitimately handles fewer of them than one without) and
    /// <see cref="FaultKind.AckBeyondDelivered"/> (which models a bug in the simulator's own handler model) and
    /// <see cref="FaultKind.PartitionsAdded"/> (new partitions bring new messages, so a run with it handles more of them
    /// than one without).</summary>
    public static IReadOnlyList<FaultKind> DefaultFaults { get; } =
        [.. SimulationOptions.AllFaults.Where(f => f is not (FaultKind.FetchOutOfRange or FaultKind.AckBeyondDelivered or FaultKind.PartitionsAdded))];

    /// <summary>The consumer configuration the kit runs a handler with by default: Elsa's defaults (<c>prefetch_count</c>
    /// 10, <c>prefetch_bytes</c> 100 KB, 3 restarts in 5 s then fail the group, reset to earliest), except
    /// <c>begin_offset</c> earliest, so every message produced is the handler's to handle and runs with and without faults
    /// see the same messages. The protocol, <c>direct_ack</c> and the commit interval are still drawn per seed: a
    /// handler must not depend on them. Put your production configuration here.</summary>
    public static ConfigurationPins DefaultConfiguration { get; } = new()
    {
        BeginOffset = StartPosition.Earliest,
        OffsetResetPolicy = OffsetResetPolicy.ResetToEarliest,
        PrefetchCount = 10,
        PrefetchBytes = 102_400,
        MaxRestarts = 3,
        WhenExhausted = RestartExhaustedPolicy.FailGroup,
    };

    /// <summary>The default group: 3 members on one topic of 4 partitions, 40 virtual seconds of production (up to 10
    /// messages per second per partition) with faults starting in its first 20 (each lasts at most 20), then up to 60
    /// quiet seconds to drain, with <see cref="DefaultConfiguration"/>.</summary>
    public static SimulationOptions DefaultShape { get; } = new()
    {
        Members = 3,
        Topics = 1,
        PartitionsPerTopic = 4,
        FaultWindowMs = 40_000,
        QuietWindowMs = 60_000,
        MaxMessagesPerSecond = 10,
        Faults = DefaultFaults,
        Pins = DefaultConfiguration,
    };

    /// <summary>A group small enough to run hundreds of times under Coyote (<see cref="Systematic"/>): 2 members on one
    /// topic of 2 partitions, 8 messages a partition produced at once, faults in the first 5 virtual seconds, up to 15
    /// quiet seconds to drain, with <see cref="DefaultConfiguration"/> and <see cref="DefaultFaults"/> except
    /// <see cref="FaultKind.MemberCrash"/>: on the simulator's scheduler a crash drops every task the dead process had
    /// queued, but on the pool its host's tasks would run on, a zombie the simulated world does not model. Restarts,
    /// session timeouts, rebalance storms and failed commits still redeliver.</summary>
    public static SimulationOptions SystematicShape { get; } = new()
    {
        Members = 2,
        Topics = 1,
        PartitionsPerTopic = 2,
        MessagesPerPartition = 8,
        FaultWindowMs = 5_000,
        QuietWindowMs = 15_000,
        Faults = [.. DefaultFaults.Where(f => f != FaultKind.MemberCrash)],
        Pins = DefaultConfiguration,
    };

    /// <summary>The systematic mode's defaults: <see cref="SystematicShape"/> and <see cref="SystematicOptions"/>'
    /// defaults. Adjust with <c>with</c>.</summary>
    public static HandlerTestOptions SystematicDefaults { get; } = new() { Shape = SystematicShape, Systematic = new SystematicOptions() };

    /// <summary>The simulated group each run uses. Default <see cref="DefaultShape"/>.</summary>
    public SimulationOptions Shape { get; init; } = DefaultShape;

    /// <summary>Null (the default): the seed mode, one deterministic run per seed on the simulator's thread, failures
    /// shrunk. Set: the systematic mode, <see cref="FirstSeed"/>'s world (its configuration and faults, or
    /// <see cref="Plan"/>) explored under Coyote's controlled scheduler, an interleaving per iteration; your handler may
    /// use threads, locks and parallel awaits. <see cref="Seeds"/> and <see cref="MaxShrinkRuns"/> are not used then.</summary>
    public SystematicOptions? Systematic { get; init; }

    /// <summary>The first seed. Default 1.</summary>
    public ulong FirstSeed { get; init; } = 1;

    /// <summary>How many consecutive seeds to run. Default 100.</summary>
    public int Seeds { get; init; } = 100;

    /// <summary>A fault plan for every seed instead of the one each seed draws (for FsCheck-generated schedules), or
    /// null. Default null.</summary>
    public FaultPlan? Plan { get; init; }

    /// <summary>A bound on the runs spent shrinking a failure. Default 200.</summary>
    public int MaxShrinkRuns { get; init; } = 200;

    /// <summary>What the message at an offset of a partition holds. It must depend only on its arguments, so that runs
    /// with and without faults see the same messages. Default <see cref="DefaultContent"/>.</summary>
    public Func<TopicPartitionId, long, MessageBody> Content { get; init; } = DefaultContent;

    /// <summary>The default messages: UTF-8 key <c>account-N</c> (N in 0..4) and UTF-8 value an amount in 1..100, both
    /// derived from the partition and offset.</summary>
    public static MessageBody DefaultContent(TopicPartitionId partition, long offset)
    {
        var account = (offset + partition.Partition) % 5;
        var amount = 1 + ((offset * 7) + (partition.Partition * 13)) % 100;
        return MessageBody.Utf8($"account-{account}", amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Throws one <see cref="InvalidConfigurationException"/> naming every problem, if there are any.</summary>
    public void EnsureValid()
    {
        var problems = new List<string>();
        if (Shape is null)
        {
            problems.Add("shape must not be null");
        }
        else
        {
            problems.AddRange(Shape.Validate());
        }

        if (Seeds < 1)
        {
            problems.Add($"seeds must be at least 1 (was {Seeds})");
        }

        if (MaxShrinkRuns < 0)
        {
            problems.Add($"max shrink runs must not be negative (was {MaxShrinkRuns})");
        }

        if (Systematic is not null)
        {
            problems.AddRange(Systematic.Problems());
            if (Shape?.Faults.Contains(FaultKind.MemberCrash) == true || Plan?.Schedule.Any(f => f.Kind == FaultKind.MemberCrash) == true)
            {
                problems.Add("the systematic mode cannot inject MemberCrash (a dead member's tasks would run on in the pool): leave it out of the shape's faults and the plan, as SystematicShape does");
            }
        }

        if (Content is null)
        {
            problems.Add("content must not be null");
        }

        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems);
        }
    }
}
