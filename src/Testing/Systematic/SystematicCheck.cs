using System.Globalization;
using System.Reflection;
using Elsa.Sim.Simulation;
using Microsoft.Coyote.Specifications;
using Microsoft.Coyote.SystematicTesting;

namespace Elsa.Sim.Testing;

/// <summary>A property of the kit in systematic mode: one seed's world (<see cref="HandlerTestOptions.FirstSeed"/>, its
/// drawn or given fault plan) under Coyote's <see cref="TestingEngine"/>, an interleaving per iteration, judged by the
/// same judge as the seed mode. A violation of the property's own kind fails the iteration through
/// <c>Specification.Assert</c>; so do Coyote's own findings (a deadlock, an unhandled exception, the
/// step bound). The first failure's trace is saved, and replaying it runs that interleaving again.</summary>
internal static class SystematicCheck
{
    public static HandlerCheckResult Run(string property, HandlerTestOptions o, Func<string, bool> isOwnKind,
        Func<ulong, FaultPlan, Task<SimulationResult>> judge, Func<IReadOnlyList<Assembly>> handlerAssemblies)
    {
        var s = o.Systematic!;
        var seed = o.FirstSeed;
        var plan = o.Plan ?? FaultPlan.Draw(seed, o.Shape);
        SimulationResult? failing = null;

        async Task IterationAsync()
        {
            var result = await judge(seed, plan).ConfigureAwait(false);
            if (result.Violation is { } violation && isOwnKind(violation.Kind))
            {
                failing = result;
                Specification.Assert(false, "{0}: {1}", property, violation.ToString());
            }
        }

        var configuration = s.ReplayTrace is { } replay
            ? CoyoteRun.Configure(1, s.Seed, s.MaxSteps).WithReproducibleTrace(File.ReadAllText(replay))
            : CoyoteRun.Configure(s.Iterations, s.Seed, s.MaxSteps);
        using var engine = TestingEngine.Create(configuration, IterationAsync);
        engine.Run();
        if (CoyoteRun.Unsound(engine, [typeof(SystematicCheck).Assembly, .. handlerAssemblies()]) is { } unsound)
        {
            throw new InvalidOperationException($"{property}: the systematic run is not sound: {unsound}");
        }

        var report = engine.TestReport;
        var iterations = report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths;
        if (report.NumOfFoundBugs == 0)
        {
            return new HandlerCheckResult(property, 1, null, null) { Iterations = iterations };
        }

        var tracePath = s.ReplayTrace ?? CoyoteRun.SaveTrace(s.TraceDirectory,
            string.Create(CultureInfo.InvariantCulture, $"{property}-seed-{seed}-coyote-{s.Seed}"), engine.ReproducibleTrace);
        return new HandlerCheckResult(property, 1, failing, null)
        {
            Iterations = iterations,
            BugReport = string.Join(Environment.NewLine, report.BugReports),
            TracePath = tracePath,
        };
    }
}
