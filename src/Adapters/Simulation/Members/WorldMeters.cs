using System.Diagnostics.Metrics;

namespace Elsa.Sim.Simulation;

/// <summary>The meter every consumer of one run reports to: one, disposed with the run, so tens of thousands of runs do
/// not leave tens of thousands of meters registered with the process.</summary>
internal sealed class WorldMeters : IMeterFactory
{
    private Meter? _meter;

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _meter ??= new Meter(options);
    }

    public void Dispose() => _meter?.Dispose();
}
