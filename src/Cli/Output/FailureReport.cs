using Elsa.Sim.Cli.Traces;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Output;

/// <summary>Turns a failing run into what a person needs to fix it: the seed and verdict, the shrunk fault schedule as a
/// story, and a trace file of the shrunk run to replay.</summary>
internal static class FailureReport
{
    /// <summary>Prints <paramref name="failing"/>, shrinks it, prints the story, records the shrunk run at
    /// <paramref name="tracePath"/> and prints its path and hash.</summary>
    public static void ShrinkAndRecord(IAnsiConsole console, SimulationOptions options, SimulationResult failing, string tracePath)
    {
        console.WriteLine();
        console.WriteLine($"FAILING SEED={failing.Seed}");
        console.WriteLine($"verdict: {failing.Verdict}");
        console.WriteLine($"shrinking {Format.Count(failing.Plan.Schedule.Count, "fault")}...");
        var shrunk = Shrinker.Shrink(options, failing);
        console.WriteLine($"shrunk to {Format.Count(shrunk.Steps, "fault")} in {Format.Count(shrunk.Runs, "run")}:");
        console.WriteLine();
        console.WriteLine(shrunk.Story);
        console.WriteLine();

        var recorded = TraceFiles.Record(options, failing.Seed, shrunk.Minimal.Plan, tracePath);
        console.WriteLine($"shrunk trace: {tracePath}");
        console.WriteLine($"trace hash:   {recorded.TraceHash}");
        console.WriteLine($"replay it:    elsa-sim replay {tracePath}");
    }
}
