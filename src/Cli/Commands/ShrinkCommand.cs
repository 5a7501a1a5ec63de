using System.CommandLine;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.Cli.Traces;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim shrink</c>: runs a trace file's seed and fault plan again and, if it still fails, reduces the plan
/// to the fewest faults that fail the same way, told as a story and written as a trace.</summary>
internal static class ShrinkCommand
{
    public static Command Create(Io io)
    {
        var trace = new Argument<string>("trace-file") { Description = "A trace written by explore, replay or shrink." };
        var output = new Option<string?>("--out")
        {
            Description = "Write the shrunk trace to this file. Default: next to the input, ending in .shrunk.jsonl.",
            HelpName = "file",
        };
        var command = new Command(
            "shrink",
            "Run a trace file's seed and fault plan again; if it fails, shrink the plan to a minimal one that fails the same " +
            "way, print it as a story and write its trace. Exit codes: 0 the run passes (nothing to shrink); 1 the run " +
            "violates a property (shrunk); 2 bad usage; 70 internal error in elsa-sim.")
        {
            trace,
            output,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var input = TraceInput.Read(parse.GetRequiredValue(trace), problems, out _);
            var outPath = input is null ? null : parse.GetValue(output) ?? TraceFiles.ShrunkNextTo(input.Path);
            if (outPath is not null)
            {
                TraceFiles.Prepare(outPath, isDirectory: false, problems);
            }

            return problems.Count > 0 || input is null || outPath is null ? Usage.Fail(io.Error, command.Name, problems) : Shrink(io, input, outPath);
        });
        return command;
    }

    private static int Shrink(Io io, TraceInput input, string outPath)
    {
        var console = io.Console;
        var header = input.Header;
        Banner.Print(console, $"SEED={header.Seed}", input.Options, $"from the trace ({Format.Count(header.Plan.Schedule.Count, "fault")})");
        if (input.VersionWarning is { } warning)
        {
            console.WriteLine(warning);
        }

        var result = Simulator.Run(input.Options, header.Seed, header.Plan);
        if (result.Passed)
        {
            console.WriteLine($"seed {header.Seed} passes with the trace's {Format.Count(header.Plan.Schedule.Count, "fault")}: nothing to shrink");
            return ExitCodes.Passed;
        }

        FailureReport.ShrinkAndRecord(console, input.Options, result, outPath);
        return ExitCodes.Violation;
    }
}
