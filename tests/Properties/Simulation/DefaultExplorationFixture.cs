using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>Explores the default scenario (3 members, 2 topics x 6 partitions, all faults) over seeds
/// 1..<see cref="Seeds"/> once, in two halves, for every test in the class that reads it.</summary>
public sealed class DefaultExplorationFixture
{
    public const int Seeds = 2_000;

    /// <summary>Seeds 1..1,000, which the fault-coverage test reads on their own.</summary>
    public ExplorationResult FirstThousand { get; } = Explorer.Explore(new SimulationOptions(), firstSeed: 1, count: 1_000);

    /// <summary>Seeds 1,001..<see cref="Seeds"/>.</summary>
    public ExplorationResult Rest { get; } = Explorer.Explore(new SimulationOptions(), firstSeed: 1_001, count: Seeds - 1_000);
}
