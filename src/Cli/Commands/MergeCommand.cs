using System.CommandLine;
using System.Text.Json;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.Cli.Traces;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim merge</c>: adds up the summaries that shards of one exploration wrote (<c>explore --shard K/N
/// --json FILE</c>, one job per machine) into the summary of the whole, as if one run had explored every seed.</summary>
internal static class MergeCommand
{
    public static Command Create(Io io)
    {
        var files = new Argument<string[]>("summary-files")
        {
            Description = "Summaries written by explore --json, of disjoint seed ranges with the same shape.",
            Arity = ArgumentArity.OneOrMore,
        };
        var json = new Option<string?>("--json")
        {
            Description = "Write the merged summary as JSON to this file.",
            HelpName = "file",
        };
        var command = new Command(
            "merge",
            "Add up the JSON summaries of explore's shards (explore --shard K/N --json FILE) into one summary: the figures " +
            "summed, the failing seeds listed. Exit codes: 0 no violation in any shard; 1 a violation; 2 bad usage (a file " +
            "that is not a summary, shapes that differ, seed ranges that overlap); 70 internal error in elsa-sim.")
        {
            files,
            json,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var summaries = new List<(string Path, ExplorationSummary Summary)>();
            foreach (var path in parse.GetRequiredValue(files))
            {
                try
                {
                    summaries.Add((path, ExplorationSummary.Read(path)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    problems.Add(e is InvalidDataException ? e.Message : $"{path}: {e.Message}");
                }
            }

            var jsonPath = parse.GetValue(json);
            if (jsonPath is not null)
            {
                TraceFiles.Prepare(jsonPath, isDirectory: false, problems);
            }

            var merged = problems.Count == 0 ? Merge(summaries, problems) : null;
            return merged is null || problems.Count > 0 ? Usage.Fail(io.Error, command.Name, problems) : Report(io, merged, summaries.Count, jsonPath);
        });
        return command;
    }

    /// <summary>The whole the summaries are shards of; null (with the problems) when they do not fit together.</summary>
    private static ExplorationSummary? Merge(List<(string Path, ExplorationSummary Summary)> summaries, List<string> problems)
    {
        var shape = Shape(summaries[0].Summary);
        foreach (var (path, summary) in summaries.Skip(1).Where(s => Shape(s.Summary) != shape))
        {
            problems.Add($"{path} explored another shape than {summaries[0].Path} (members, partitions, faults, windows or pinned configuration differ)");
        }

        var bySeed = summaries.OrderBy(s => s.Summary.FirstSeed).ToList();
        for (var i = 1; i < bySeed.Count; i++)
        {
            if (bySeed[i].Summary.FirstSeed <= bySeed[i - 1].Summary.LastSeed)
            {
                problems.Add($"{bySeed[i - 1].Path} (seeds {bySeed[i - 1].Summary.FirstSeed}..{bySeed[i - 1].Summary.LastSeed}) and " +
                    $"{bySeed[i].Path} (seeds {bySeed[i].Summary.FirstSeed}..{bySeed[i].Summary.LastSeed}) overlap: their seeds would count twice");
            }
        }

        if (problems.Count > 0)
        {
            return null;
        }

        var totals = new SimulationStats();
        foreach (var (_, summary) in summaries)
        {
            totals.Add(SimulationStats.FromFigures(summary.Figures));
        }

        // The shards ran side by side: the whole took as long as the longest.
        return new ExplorationSummary(ExplorationSummary.CurrentFormat, bySeed[0].Summary.FirstSeed, bySeed[^1].Summary.LastSeed, null,
            summaries[0].Summary.Options, totals.Figures(), [.. summaries.SelectMany(s => s.Summary.Failures).OrderBy(f => f.Seed)],
            summaries.Max(s => s.Summary.WallMs));
    }

    private static string Shape(ExplorationSummary summary) => JsonSerializer.Serialize(summary.Options, TraceSink.Json.TraceOptions);

    private static int Report(Io io, ExplorationSummary merged, int shards, string? jsonPath)
    {
        var console = io.Console;
        var missing = (long)(merged.LastSeed - merged.FirstSeed + 1) - merged.Seeds;
        var seeds = $"SEED={merged.FirstSeed}..{merged.LastSeed} ({Format.Count(merged.Seeds, "seed")} from {(shards == 1 ? "1 summary" : $"{Format.Count(shards)} summaries")}" +
            (missing > 0 ? $"; {Format.Count(missing, "seed")} of the range in none of them)" : ")");
        Banner.Print(console, seeds, merged.Options.ToOptions(), "drawn from each seed");
        console.WriteLine();
        SummaryTable.Render(console, merged);
        if (jsonPath is not null)
        {
            merged.Write(jsonPath);
            console.WriteLine($"summary: {jsonPath}");
        }

        if (merged.Failures.Count == 0)
        {
            console.WriteLine($"PASS: {Format.Count(merged.Seeds, "seed")}, no violation");
            return ExitCodes.Passed;
        }

        var first = merged.Failures[0];
        console.WriteLine($"FAIL: {Format.Count(merged.Failures.Count, "failing seed")}; the first, seed {first.Seed}: {first.Kind}: {first.Detail}");
        console.WriteLine($"elsa-sim explore --seeds {first.Seed}..{first.Seed}, with the same shape, runs it again and shrinks it");
        return ExitCodes.Violation;
    }
}
