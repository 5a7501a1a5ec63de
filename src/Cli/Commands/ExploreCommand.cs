using System.CommandLine;
using System.Diagnostics;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.Cli.Traces;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim explore</c>: runs many seeds in parallel, sums what they did, and on a violation shrinks the first
/// failing seed to a short story and a trace to replay.</summary>
internal static class ExploreCommand
{
    public static Command Create(Io io)
    {
        var shape = new ShapeOptions();
        var seeds = new SeedOptions();
        var traceDir = new Option<string?>("--trace-dir")
        {
            Description = $"Write a JSONL trace of every failing seed (and, with --seed, of that seed) to this folder. The first failure's shrunk trace goes here too (default ./{TraceFiles.DefaultDirectory} when a violation happens).",
            HelpName = "dir",
        };
        var json = new Option<string?>("--json")
        {
            Description = "Write the exploration's summary (its seeds, shape, figures and failing seeds) as JSON to this file, " +
                "for elsa-sim merge to add up with other shards' summaries.",
            HelpName = "file",
        };
        var html = new Option<string?>("--html")
        {
            Description = "On a violation, write the first failing seed's shrunk run as a self-contained HTML timeline to this " +
                "file (with --seed, the seed's run, failing or not).",
            HelpName = "file",
        };
        var command = new Command(
            "explore",
            "Run many seeds of the simulated group in parallel, check every property, and summarize. On a violation, shrink " +
            "the first failing seed to a story and write its trace. Exit codes: 0 no violation; 1 a violation; 2 bad usage; " +
            "70 internal error in elsa-sim; 130 interrupted by Ctrl+C, after the summary of the seeds that finished.");
        seeds.AddTo(command);
        shape.AddTo(command);
        command.Add(traceDir);
        command.Add(json);
        command.Add(html);
        command.SetAction((parse, cancellationToken) =>
        {
            var problems = new List<string>();
            var range = seeds.Read(parse, problems);
            var options = shape.Read(parse, problems);
            var directory = parse.GetValue(traceDir);
            if (directory is not null)
            {
                TraceFiles.Prepare(directory, isDirectory: true, problems);
            }

            var htmlPath = parse.GetValue(html);
            if (htmlPath is not null)
            {
                TraceFiles.Prepare(htmlPath, isDirectory: false, problems);
            }

            var jsonPath = parse.GetValue(json);
            if (jsonPath is not null)
            {
                TraceFiles.Prepare(jsonPath, isDirectory: false, problems);
            }

            // The seeds run on a thread of their own, so Ctrl+C's handler finds the command's task already under way;
            // not a pool thread, which this command would hold (drawing progress) for the whole exploration.
            return problems.Count > 0
                ? Task.FromResult(Usage.Fail(io.Error, command.Name, problems))
                : Task.Factory.StartNew(
                    () => Run(io, range, options, directory, htmlPath, jsonPath, cancellationToken),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        });
        return command;
    }

    private static int Run(Io io, SeedRange range, SimulationOptions options, string? traceDir, string? htmlPath, string? jsonPath,
        CancellationToken cancellationToken)
    {
        var console = io.Console;
        Banner.Print(console, range.Describe(), options, "drawn from each seed");
        var (result, interrupted) = range.Single
            ? (RunOne(io, range.First, options, traceDir, htmlPath), false)
            : ExploreProgress.Show(console, range.Count, progress => Explorer.Explore(options, range.First, range.Count, progress, cancellationToken), cancellationToken);
        console.WriteLine();
        var summary = ExplorationSummary.Of(result, range.First, range.Last, range.Shard?.Name, options);
        SummaryTable.Render(console, summary);
        if (jsonPath is not null && !interrupted)
        {
            summary.Write(jsonPath);
            console.WriteLine($"summary: {jsonPath}");
        }

        if (interrupted)
        {
            // Shrinking and writing traces would keep someone who asked to stop waiting: say how to get them instead.
            console.WriteLine($"INTERRUPTED: {Format.Count(result.Seeds, "seed")} of {Format.Count(range.Count)} finished before Ctrl+C; " +
                (result.Failures.Count == 0
                    ? "none of them violated anything"
                    : $"{Format.Count(result.Failures.Count, "failing seed")} not shrunk (elsa-sim explore --seed {result.Failures[0].Seed} runs the first again)") +
                (jsonPath is null ? "" : $"; no summary written to {jsonPath} (it would miss seeds)"));
            return ExitCodes.Interrupted;
        }
        if (traceDir is not null && !range.Single)
        {
            foreach (var failing in result.Failures)
            {
                var path = TraceFiles.ForSeed(traceDir, failing.Seed);
                var recorded = TraceFiles.Record(options, failing.Seed, failing.Plan, path);
                console.WriteLine($"trace of failing seed {failing.Seed}: {path} ({recorded.TraceHash})");
            }
        }

        if (result.Failures.Count == 0)
        {
            console.WriteLine($"PASS: {Format.Count(result.Seeds, "seed")}, no violation");
            if (htmlPath is not null && !range.Single)
            {
                console.WriteLine($"no violation, so no timeline was drawn to {htmlPath} (explore --seed S --html FILE draws one seed's run)");
            }

            return ExitCodes.Passed;
        }

        var first = result.Failures[0];
        var shrunk = TraceFiles.ShrunkForSeed(traceDir ?? TraceFiles.DefaultDirectory, first.Seed);
        FailureReport.ShrinkAndRecord(console, options, first, shrunk);
        if (htmlPath is not null && !range.Single)
        {
            TimelineFiles.Write(console, shrunk, htmlPath);
        }

        return ExitCodes.Violation;
    }

    // One seed: recorded when a trace folder is given, hashed either way, so its line can be compared with a replay.
    private static ExplorationResult RunOne(Io io, ulong seed, SimulationOptions options, string? traceDir, string? htmlPath)
    {
        var wall = Stopwatch.StartNew();
        var path = traceDir is null ? null : TraceFiles.ForSeed(traceDir, seed);
        var result = (path, htmlPath) switch
        {
            (null, null) => TraceFiles.Hash(options, seed, null),
            (null, { } html) => TimelineFiles.RecordAndWrite(io.Console, options, seed, null, html),
            ({ } trace, _) => TraceFiles.Record(options, seed, null, trace),
        };
        if (path is not null && htmlPath is not null)
        {
            TimelineFiles.Write(io.Console, path, htmlPath);
        }

        wall.Stop();
        io.Console.WriteLine($"seed {seed}: {result.Verdict}");
        io.Console.WriteLine($"trace hash: {result.TraceHash}");
        if (path is not null)
        {
            io.Console.WriteLine($"trace: {path}");
        }

        return new ExplorationResult(result.Stats, result.Passed ? [] : [result], wall.Elapsed);
    }
}
