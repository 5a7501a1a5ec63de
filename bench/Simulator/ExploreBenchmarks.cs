using BenchmarkDotNet.Attributes;
using Elsa.Sim.Hosting;
using Elsa.Sim.Simulation;
using Microsoft.Coyote.Rewriting;

namespace Elsa.Sim.Benchmarks.Simulator;

/// <summary>The default explore scenario (<c>new SimulationOptions()</c>, what <c>elsa-sim explore</c> runs: 3 members,
/// each a process running the shipped <c>ElsaConsumer</c> on the simulated cluster, 2 topics × 6 partitions, every fault
/// kind, 60 s of faults, then until every partition is drained, at most 60 s), <see cref="Seeds"/> seeds on one thread,
/// as each of explore's workers runs them. The setup prints how many simulated events (clock entries), machine steps and
/// simulated milliseconds those seeds are; docs/benchmarks.md divides them by the measured time. Goal: at least
/// 1,000,000 simulated events per second per core. Ten warm-up iterations (with the setup's and the jitting stage's,
/// 260 seeds): the host's code reaches its last JIT tier only after 100 to 200 seeds, and with one warm-up iteration
/// the first measured ones took up to twice as long as the last.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 10, iterationCount: 10)]
public class ExploreBenchmarks
{
    private const int Seeds = 20;
    private readonly SimulationOptions _options = new();

    [GlobalSetup]
    public void Setup()
    {
        // tests/Systematic rewrites these for Coyote after every build; the benchmark project puts the shipped ones back
        // (Elsa.Sim.Benchmarks.csproj). Timing the rewritten ones would time Coyote's hooks too.
        if (RewritingEngine.IsAssemblyRewritten(typeof(Elsa.Sim.Simulation.Simulator).Assembly) ||
            RewritingEngine.IsAssemblyRewritten(typeof(ElsaConsumer).Assembly))
        {
            throw new InvalidOperationException("the simulator or the host is the Coyote-rewritten build, not the shipped one");
        }

        var events = 0L;
        var steps = 0L;
        var simulatedMs = 0L;
        for (ulong seed = 1; seed <= Seeds; seed++)
        {
            var result = Elsa.Sim.Simulation.Simulator.Run(_options, seed);
            if (!result.Passed)
            {
                throw new InvalidOperationException($"seed {seed} failed: {result.Violation}");
            }

            events += result.Stats.Events;
            steps += result.Stats.Steps;
            simulatedMs += result.Stats.SimulatedMs;
        }

        Console.WriteLine($"// seeds 1..{Seeds}: {events} simulated events, {steps} machine steps, {simulatedMs} simulated ms");
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
