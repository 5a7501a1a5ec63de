using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Timeline;

/// <summary>A real failing run to draw: the planted bug that commits messages before they are handled fails seed 1 of the
/// default scenario; its trace is written to a temporary file.</summary>
internal sealed class FailingRunTrace : IDisposable
{
    public FailingRunTrace()
    {
        var options = new SimulationOptions { MachineName = nameof(CommitsBeforeHandling), MachineFactory = c => new CommitsBeforeHandling(c) };
        using (var sink = TraceSink.ToFile(Path))
        {
            Result = Simulator.Run(options, seed: 1, plan: null, trace: sink);
        }

        Assert.False(Result.Passed, "the planted bug no longer fails seed 1: pick a failing seed for the timeline tests");
    }

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"elsa-sim-failing-{Guid.NewGuid():N}.jsonl");

    public SimulationResult Result { get; }

    public void Dispose() => File.Delete(Path);
}
