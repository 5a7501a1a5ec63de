using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Elsa.Sim.Systematic.Tests.Scenarios;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.SystematicTesting;

namespace Elsa.Sim.Benchmarks.Systematic;

/// <summary>Coyote iterations per second of one systematic scenario (<see cref="AckRacingRevocationTests"/>: two members
/// running the shipped host on the simulator's cluster, held acks racing a revocation), <see cref="Iterations"/> per
/// invocation from seed 1, as the test explores it; BenchmarkDotNet reports the time per iteration. The job builds with
/// <c>CoyoteRewrite=true</c>, which rewrites this assembly (the scenario's delegate), the host, the scenario's assembly,
/// the simulator and the planted bugs for Coyote in that build only (build/CoyoteRewrite.targets); every other suite
/// times them as they ship. Each invocation fails unless Coyote controlled everything and found no bug
/// (<see cref="SystematicRun.AssertSound"/>) and the race happened in some iteration.</summary>
[Config(typeof(RewrittenBuild))]
public class CoyoteIterationsBenchmarks
{
    private const int Iterations = 200;

    [Benchmark(OperationsPerInvoke = Iterations)]
    public int AckRacingRevocationIteration()
    {
        var races = new RaceTally(Race.AckDuringRevocation);
        using var engine = TestingEngine.Create(SystematicRun.Configure(Iterations, seed: 1), () => AckRacingRevocationTests.ScenarioAsync(races));
        engine.Run();
        SystematicRun.AssertSound(engine);
        var explored = engine.TestReport.NumOfExploredFairPaths + engine.TestReport.NumOfExploredUnfairPaths;
        if (engine.TestReport.NumOfFoundBugs > 0 || explored != Iterations || races.Hits == 0)
        {
            throw new InvalidOperationException($"the scenario did not run cleanly under Coyote: {explored} iterations, " +
                $"race in {races.Hits}; {string.Join("; ", engine.TestReport.BugReports)}");
        }

        return explored;
    }

    private sealed class RewrittenBuild : ManualConfig
    {
        public RewrittenBuild() => AddJob(Job.Default
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(3)
            .WithArguments([new MsBuildArgument("/p:CoyoteRewrite=true")]));
    }
}
