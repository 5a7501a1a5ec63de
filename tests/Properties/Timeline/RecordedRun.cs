using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Timeline;

/// <summary>A seed's run recorded into a temporary trace file and read back as a timeline.</summary>
internal static class RecordedRun
{
    public static (SimulationResult Result, RunTimeline Timeline, string[] Lines) Of(SimulationOptions options, ulong seed, FaultPlan? plan = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"elsa-sim-run-{Guid.NewGuid():N}.jsonl");
        try
        {
            SimulationResult result;
            using (var sink = TraceSink.ToFile(path))
            {
                result = Simulator.Run(options, seed, plan, sink);
            }

            return (result, TimelineBuilder.FromFile(path), File.ReadAllLines(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
