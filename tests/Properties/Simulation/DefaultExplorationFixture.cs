using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>Explores the default scenario (3 members, 2 topics x 6 partitions, all faults) over seeds
/// 1..<see cref="Seeds"/> once, for every test in the class that reads it.</summary>
public sealed class DefaultExplorationFixture
{
    public const int Seeds = 2_000;

    public ExplorationResult Result { get; } = Explorer.Explore(new SimulationOptions(), firstSeed: 1, count: Seeds);
}
