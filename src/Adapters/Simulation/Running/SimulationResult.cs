namespace Elsa.Sim.Simulation;

/// <summary>The outcome of one seeded run.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Scenario">What the seed decided about the configuration.</param>
/// <param name="Plan">The faults the run was given.</param>
/// <param name="Violation">The first violation found, or null when the run passed.</param>
/// <param name="Stats">What the run did.</param>
/// <param name="TraceHash">The SHA-256 of the run's trace, when one was recorded.</param>
/// <param name="Partitions">Where each partition ended up when the run ended, ordered by topic and partition.</param>
public sealed record SimulationResult(ulong Seed, Scenario Scenario, FaultPlan Plan, Violation? Violation, SimulationStats Stats, string? TraceHash,
    IReadOnlyList<PartitionOutcome> Partitions)
{
    /// <summary>True when no property was violated.</summary>
    public bool Passed => Violation is null;

    /// <summary>"pass", or the violation.</summary>
    public string Verdict => Violation is null ? "pass" : $"FAIL {Violation}";
}
