using BenchmarkDotNet.Attributes;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Benchmarks.Simulator;

/// <summary>The default explore scenario (3 members, 2 topics × 6 partitions, all fault kinds, 60 s of faults and 60 s
/// of quiet per seed), <see cref="Seeds"/> seeds on one thread, as <c>elsa-sim explore</c> runs each seed. The setup
/// prints how many simulated events and milliseconds those seeds are; docs/benchmarks.md divides them by the measured
/// time. Goal: at least 1,000,000 simulated events per second per core.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ExploreBenchmarks
{
    private const int Seeds = 20;
    private readonly SimulationOptions _options = new();

    [GlobalSetup]
    public void Setup()
    {
        var events = 0L;
        var simulatedMs = 0L;
        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            var stats = Elsa.Sim.Simulation.Simulator.Run(_options, seed).Stats;
            events += stats.Events;
            simulatedMs += stats.SimulatedMs;
        }

        Console.WriteLine($"// seeds 1..{Seeds}: {events} simulated events, {simulatedMs} simulated ms");
    }

    [Benchmark(OperationsPerInvoke = Seeds)]
    public long DefaultScenarioSeed()
    {
        var events = 0L;
        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            events += Elsa.Sim.Simulation.Simulator.Run(_options, seed).Stats.Events;
        }

        return events;
    }
}
