namespace Elsa.Sim.Simulation;

/// <summary>Runs one seed. A run is a pure function of its options, seed and fault plan: the same inputs give the same
/// trace, byte for byte, on any machine.</summary>
public static class Simulator
{
    /// <summary>Runs <paramref name="seed"/>, with the fault plan the seed draws unless <paramref name="plan"/> is given.</summary>
    /// <exception cref="Elsa.Sim.Core.InvalidConfigurationException">When the options have problems; every one is named.</exception>
    public static SimulationResult Run(SimulationOptions options, ulong seed, FaultPlan? plan = null, TraceSink? trace = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.EnsureValid();
        using var world = new World(options, seed, plan ?? FaultPlan.Draw(seed, options), trace);
        return world.Run();
    }

    /// <summary>Runs <paramref name="seed"/> with <paramref name="plan"/>, the hosts' tasks on the pool for Coyote's
    /// controlled scheduler (Elsa.Sim.Testing's systematic mode); the same world and checks as <see cref="Run"/>.</summary>
    internal static async Task<SimulationResult> RunControlledAsync(SimulationOptions options, ulong seed, FaultPlan plan)
    {
        options.EnsureValid();
        using var world = new World(options, seed, plan, trace: null, controlled: true);
        return await world.RunControlledAsync().ConfigureAwait(false);
    }

    /// <summary>Runs a seed twice, hashing both traces: equal hashes mean the run is deterministic.</summary>
    public static (string First, string Second) HashTwice(SimulationOptions options, ulong seed, FaultPlan? plan = null)
    {
        using var first = TraceSink.HashOnly();
        using var second = TraceSink.HashOnly();
        return (Run(options, seed, plan, first).TraceHash!, Run(options, seed, plan, second).TraceHash!);
    }
}
