using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Elsa.Sim.Systematic.Tests.Scenarios;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.SystematicTesting;

namespace Elsa.Sim.Benchmarks.Systematic;

/// <summary>Coyote iterations per second of one systematic scenario (<see cref="AckRacingRevocationTests"/>: two members,
/// held acks racing a revocation), <see cref="Iterations"/> per invocation; BenchmarkDotNet reports the time per
/// iteration. The job builds with <c>CoyoteRewrite=true</c>, which rewrites the adapter and the scenario for Coyote in
/// that build only (build/CoyoteRewrite.targets), so the other suites time the adapter as it ships.</summary>
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
        if (engine.TestReport.NumOfFoundBugs > 0 || engine.TestReport.UncontrolledInvocations.Count > 0 || !engine.IsTestRewritten())
        {
            throw new InvalidOperationException($"the scenario did not run cleanly under Coyote: {string.Join("; ", engine.TestReport.BugReports)}");
        }

        return engine.TestReport.NumOfExploredFairPaths + engine.TestReport.NumOfExploredUnfairPaths;
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
