using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Traces;

/// <summary>Writes the HTML timeline of a trace for <c>--html</c>, and tells the user where it went.</summary>
internal static class TimelineFiles
{
    /// <summary>Draws the trace file at <paramref name="tracePath"/>; returns the timeline drawn.</summary>
    public static RunTimeline Write(IAnsiConsole console, string tracePath, string htmlPath)
    {
        var timeline = TimelineHtml.WriteFile(tracePath, htmlPath);
        console.WriteLine($"timeline: {htmlPath}");
        return timeline;
    }

    /// <summary>Runs <paramref name="seed"/> and draws it, keeping its trace in memory: for <c>--html</c> when no trace
    /// file was asked for.</summary>
    public static SimulationResult RecordAndWrite(IAnsiConsole console, SimulationOptions options, ulong seed, FaultPlan? plan, string htmlPath)
    {
        var result = TimelineHtml.WriteRun(htmlPath, sink => Simulator.Run(options, seed, plan, sink));
        console.WriteLine($"timeline: {htmlPath}");
        return result;
    }
}
