using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Traces;

/// <summary>Writes the HTML timeline of a trace for <c>--html</c>, and tells the user where it went.</summary>
internal static class TimelineFiles
{
    public static void Write(IAnsiConsole console, string tracePath, string htmlPath)
    {
        TimelineHtml.WriteFile(tracePath, htmlPath);
        console.WriteLine($"timeline: {htmlPath}");
    }

    /// <summary>Runs <paramref name="seed"/> into a temporary trace, draws it, and deletes the trace: for <c>--html</c>
    /// when no trace file was asked for.</summary>
    public static SimulationResult RecordAndWrite(IAnsiConsole console, SimulationOptions options, ulong seed, FaultPlan? plan, string htmlPath)
    {
        var trace = Path.Combine(Path.GetTempPath(), $"elsa-sim-{Guid.NewGuid():N}.jsonl");
        try
        {
            var result = TraceFiles.Record(options, seed, plan, trace);
            Write(console, trace, htmlPath);
            return result;
        }
        finally
        {
            File.Delete(trace);
        }
    }
}
