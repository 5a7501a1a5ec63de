using System.Text.Json;

namespace Elsa.Sim.Simulation;

/// <summary>What <c>elsa-sim explore --json</c> writes: the seeds a run (or a shard of one) explored, the shape it ran, its
/// figures by name (<see cref="SimulationStats.Figures"/>) and its failing seeds. Summaries of disjoint seed ranges with the
/// same shape add up (<c>elsa-sim merge</c>), so a million seeds can run as many jobs on many machines.</summary>
/// <param name="Format">The summary format's name and version.</param>
/// <param name="FirstSeed">The first seed explored.</param>
/// <param name="LastSeed">The last seed explored.</param>
/// <param name="Shard">Which shard of a larger range this was (<c>K/N</c>), or null.</param>
/// <param name="Options">The shape every seed ran.</param>
/// <param name="Figures">The figures, summed over the seeds.</param>
/// <param name="Failures">The failing seeds, by seed.</param>
/// <param name="WallMs">How long the exploration took.</param>
internal sealed record ExplorationSummary(
    string Format, ulong FirstSeed, ulong LastSeed, string? Shard, TraceOptions Options, SortedDictionary<string, long> Figures,
    IReadOnlyList<FailingSeed> Failures, long WallMs)
{
    public const string CurrentFormat = "elsa-sim-summary/1";

    /// <summary>Seeds explored.</summary>
    public long Seeds => Figures.GetValueOrDefault("runs");

    public static ExplorationSummary Of(ExplorationResult result, ulong firstSeed, ulong lastSeed, string? shard, SimulationOptions options) =>
        new(CurrentFormat, firstSeed, lastSeed, shard, TraceOptions.From(options), result.Totals.Figures(),
            [.. result.Failures.Select(f => new FailingSeed(f.Seed, f.Violation!.Kind, f.Violation.Detail))], (long)result.Wall.TotalMilliseconds);

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, TraceSink.Json.ExplorationSummary));

    /// <summary>Reads a summary <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">When the file is not such a summary.</exception>
    public static ExplorationSummary Read(string path)
    {
        ExplorationSummary? summary;
        try
        {
            summary = JsonSerializer.Deserialize(File.ReadAllText(path), TraceSink.Json.ExplorationSummary);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not an exploration summary: {e.Message}", e);
        }

        if (summary is null || summary.Format != CurrentFormat)
        {
            throw new InvalidDataException($"{path} is not an exploration summary in the format '{CurrentFormat}' (was '{summary?.Format}')");
        }

        _ = SimulationStats.FromFigures(summary.Figures);
        return summary;
    }
}

/// <summary>A failing seed in a summary: the seed, and the violation's kind and detail.</summary>
internal sealed record FailingSeed(ulong Seed, string Kind, string Detail);
