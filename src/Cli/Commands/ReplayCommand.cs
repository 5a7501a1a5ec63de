using System.CommandLine;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.Cli.Traces;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim replay</c>: runs one seed again, either from a trace file (its header's seed, options and fault
/// plan, the plan as recorded, not redrawn) or from <c>--seed</c> and shape options, and checks a trace file still
/// reproduces byte for byte.</summary>
internal static class ReplayCommand
{
    public static Command Create(Io io)
    {
        var shape = new ShapeOptions();
        var trace = new Argument<string?>("trace-file")
        {
            Description = "A trace written by explore, replay or shrink. Its header fixes the seed, options and fault plan.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var seed = WholeNumberOption.Optional<ulong>("--seed", "Replay this seed with the shape options instead of a trace file.");
        var output = new Option<string?>("--out") { Description = "Write the replayed trace to this file.", HelpName = "file" };
        var html = new Option<string?>("--html")
        {
            Description = "Write the run's timeline to this self-contained HTML file: members and partitions as lanes over virtual " +
                "time, generations, worker starts and stops, acks, commits, faults, and the violation. For a trace file it draws " +
                "the run the file recorded, also when elsa-sim cannot run it again (a planted machine, the handler test kit's " +
                "user handler, another trace format): then it says so and exits 4.",
            HelpName = "file",
        };
        var command = new Command(
            "replay",
            "Run a trace file's seed and fault plan again (or --seed with the shape options), print the verdict and the trace " +
            "hash, and for a file say whether the replay reproduces it. Exit codes: 0 the run passes (and reproduces the " +
            "file); 1 the run violates a property; 2 bad usage; 3 the replay's hash differs from the file's (this wins over " +
            "1); 4 --html drew the file, which cannot be run again; 70 internal error in elsa-sim. A truncated or corrupt trace " +
            "file is bad input (2), named with its line, not a replay that differs.")
        {
            trace,
            seed,
            output,
            html,
        };
        shape.AddTo(command);
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var path = parse.GetValue(trace);
            var seedValue = parse.GetValue(seed);
            var outPath = parse.GetValue(output);
            if (outPath is not null)
            {
                TraceFiles.Prepare(outPath, isDirectory: false, problems);
            }

            var htmlPath = parse.GetValue(html);
            if (htmlPath is not null)
            {
                TraceFiles.Prepare(htmlPath, isDirectory: false, problems);
            }

            if ((path is null) == (seedValue is null))
            {
                problems.Add("give either a trace file or --seed (exactly one of them)");
                return Usage.Fail(io.Error, command.Name, problems);
            }

            if (path is not null)
            {
                foreach (var given in shape.Given(parse))
                {
                    problems.Add($"{given} cannot be combined with a trace file: the trace's header fixes the run's shape");
                }

                if (problems.Count > 0)
                {
                    return Usage.Fail(io.Error, command.Name, problems);
                }

                var input = TraceInput.Read(path, problems, out var whole);
                if (input is not null)
                {
                    return ReplayFile(io, input, outPath, htmlPath);
                }

                return htmlPath is not null && whole ? DrawOnly(io, command.Name, path, htmlPath, problems) : Usage.Fail(io.Error, command.Name, problems);
            }

            var options = shape.Read(parse, problems);
            return problems.Count > 0 ? Usage.Fail(io.Error, command.Name, problems) : ReplaySeed(io, options, seedValue!.Value, outPath, htmlPath);
        });
        return command;
    }

    private static int ReplayFile(Io io, TraceInput input, string? outPath, string? htmlPath)
    {
        var console = io.Console;
        var header = input.Header;
        Banner.Print(console, $"SEED={header.Seed}", input.Options, $"from the trace ({Format.Count(header.Plan.Schedule.Count, "fault")})");
        if (input.VersionWarning is { } warning)
        {
            console.WriteLine(warning);
        }

        // Hash (and draw) the file before running: --out may name the same file.
        var fileHash = TraceSink.HashFile(input.Path);
        if (htmlPath is not null)
        {
            TimelineFiles.Write(console, input.Path, htmlPath);
        }

        var result = Run(input.Options, header.Seed, header.Plan, outPath);
        var matches = result.TraceHash == fileHash;
        console.WriteLine($"verdict:      {result.Verdict}");
        console.WriteLine($"replay hash:  {result.TraceHash}");
        console.WriteLine($"file hash:    {fileHash}");
        console.WriteLine(matches ? "the replay matches the trace file" : "the replay DIFFERS from the trace file: the run is no longer reproduced");
        Wrote(io, outPath);
        return !matches ? ExitCodes.ReplayDiffers : result.Passed ? ExitCodes.Passed : ExitCodes.Violation;
    }

    /// <summary>A trace elsa-sim cannot run again is still drawn as recorded: the timeline is what a failing run from a
    /// planted machine or the handler test kit is for.</summary>
    private static int DrawOnly(Io io, string command, string path, string htmlPath, List<string> whyNot)
    {
        RunTimeline timeline;
        try
        {
            timeline = TimelineFiles.Write(io.Console, path, htmlPath);
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            whyNot.Add($"cannot draw trace file '{path}': {e.Message}");
            return Usage.Fail(io.Error, command, whyNot);
        }

        var console = io.Console;
        console.WriteLine($"drawn as recorded: {timeline.Title}");
        console.WriteLine($"recorded verdict: {timeline.Verdict}");
        foreach (var reason in whyNot)
        {
            console.WriteLine($"could not replay: {reason}");
        }

        console.WriteLine("the timeline shows the run as the file recorded it; it was not run again");
        return ExitCodes.DrawnNotReplayed;
    }

    private static int ReplaySeed(Io io, SimulationOptions options, ulong seed, string? outPath, string? htmlPath)
    {
        var console = io.Console;
        Banner.Print(console, $"SEED={seed}", options, "drawn from the seed");
        SimulationResult result;
        if (htmlPath is null)
        {
            result = Run(options, seed, null, outPath);
        }
        else if (outPath is null)
        {
            result = TimelineFiles.RecordAndWrite(console, options, seed, null, htmlPath);
        }
        else
        {
            result = TraceFiles.Record(options, seed, null, outPath);
            TimelineFiles.Write(console, outPath, htmlPath);
        }

        console.WriteLine($"verdict:      {result.Verdict}");
        console.WriteLine($"replay hash:  {result.TraceHash}");
        Wrote(io, outPath);
        return result.Passed ? ExitCodes.Passed : ExitCodes.Violation;
    }

    private static SimulationResult Run(SimulationOptions options, ulong seed, FaultPlan? plan, string? outPath) =>
        outPath is null ? TraceFiles.Hash(options, seed, plan) : TraceFiles.Record(options, seed, plan, outPath);

    private static void Wrote(Io io, string? outPath)
    {
        if (outPath is not null)
        {
            io.Console.WriteLine($"replayed trace: {outPath}");
        }
    }
}
