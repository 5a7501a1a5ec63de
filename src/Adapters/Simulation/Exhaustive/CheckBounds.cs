using System.Globalization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The bounded world <see cref="ModelChecker"/> explores: one topic of <see cref="Partitions"/> partitions of
/// <see cref="Messages"/> messages each, consumed by <see cref="Members"/> members, with at most <see cref="Faults"/>
/// faults and paths of at most <see cref="MaxDepth"/> actions.</summary>
internal sealed record CheckBounds
{
    /// <summary>The topic every partition belongs to.</summary>
    public const string Topic = "t";

    // Handled offsets are kept as bits of a ulong.
    private const int MaxMessages = 63;

    public int Members { get; init; } = 2;

    public int Partitions { get; init; } = 2;

    public int Messages { get; init; } = 1;

    public int Faults { get; init; } = 1;

    public int MaxDepth { get; init; } = 100;

    /// <summary>Worlds at most to remember. Each takes about 1.1 KB once a check holds millions (measured: 5,000,000
    /// states in 5.3 GB of resident memory; small checks pay more per state for the runtime's fixed share, 190,385 in
    /// 353 MB), so the default keeps a check near 2.2 GB.</summary>
    public int MaxStates { get; init; } = 2_000_000;

    /// <summary>The members' <c>begin_offset</c>. With <c>latest</c>, messages are produced during the run (resolving
    /// <c>latest</c> depends on when); otherwise every message is in the log from the start, which only cuts
    /// interleavings nothing could tell apart.</summary>
    public StartPosition BeginOffset { get; init; } = StartPosition.Earliest;

    /// <summary>The members' <c>offset_reset_policy</c>: where a reset sends a reader that retention left behind.</summary>
    public OffsetResetPolicy ResetPolicy { get; init; } = OffsetResetPolicy.ResetToEarliest;

    /// <summary>Whether messages are produced during the run rather than all before it: only resolving <c>latest</c>, at
    /// the start or in a reset, can tell the two apart.</summary>
    public bool ProducesDuringRun => BeginOffset.Kind == StartPositionKind.Latest || ResetPolicy == OffsetResetPolicy.ResetToLatest;

    /// <summary>The members' configuration: Elsa's defaults but for <see cref="BeginOffset"/> and
    /// <see cref="ResetPolicy"/>.</summary>
    public GroupConfig Config() => new()
    {
        Group = "check",
        Topics = [Topic],
        Config = new ElsaConsumerConfig { BeginOffset = BeginOffset, OffsetResetPolicy = ResetPolicy },
    };

    public static TopicPartitionId PartitionId(int partition) => new(Topic, partition);

    /// <summary>Every problem with the bounds, in a stable order; empty when there is none.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Within(problems, "members", Members, 1, 4);
        Within(problems, "partitions", Partitions, 1, 4);
        Within(problems, "messages", Messages, 1, MaxMessages);
        Within(problems, "max-faults", Faults, 0, 20);
        Within(problems, "max-depth", MaxDepth, 1, 10_000);
        Within(problems, "max-states", MaxStates, 1, 100_000_000);
        if (BeginOffset.Kind == StartPositionKind.Offset && BeginOffset.Offset > 0)
        {
            // Offsets below it would never be read, so "every message handled" would not hold of any machine.
            problems.Add($"begin-offset must be earliest, latest or 0 (was {BeginOffset})");
        }

        return problems;
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture,
            $"members={Members} partitions={Partitions} messages={Messages} max_faults={Faults} max_depth={MaxDepth} max_states={MaxStates} begin_offset={BeginOffset} offset_reset_policy={(ResetPolicy == OffsetResetPolicy.ResetToEarliest ? "earliest" : "latest")}");

    private static void Within(List<string> problems, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            problems.Add($"{name} must be between {min} and {max} (was {value})");
        }
    }
}
