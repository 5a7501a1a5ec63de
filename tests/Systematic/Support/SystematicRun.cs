using System.Diagnostics;
using System.Globalization;
using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>Runs one scenario under Coyote's <see cref="TestingEngine"/>: many iterations, each a different controlled
/// interleaving of the host's tasks, from a fixed seed. Fails the xunit test on any bug (a monitor assertion, a liveness
/// violation, a deadlock, an unhandled exception) with Coyote's report and the path of the saved reproducible trace, and
/// on any uncontrolled invocation (concurrency Coyote cannot see would make the exploration unsound).</summary>
internal static class SystematicRun
{
    /// <summary>Iterations per scenario in the default run.</summary>
    public const uint DefaultIterations = 1_000;

    /// <summary>Overrides <see cref="DefaultIterations"/> for long runs (docs/systematic.md).</summary>
    public const string IterationsVariable = "ELSA_SIM_COYOTE_ITERATIONS";

    /// <summary>Overrides every scenario's seed, to explore other schedules.</summary>
    public const string SeedVariable = "ELSA_SIM_COYOTE_SEED";

    /// <summary>The scheduling-step bound of one iteration. Correct iterations take under a thousand steps; one that
    /// spends all its rounds waiting takes a few tens of thousands, and must still end within the bound so that its
    /// liveness violation is reported rather than cut off.</summary>
    public const uint MaxSteps = 100_000;

    public static Configuration Configure(uint iterations, uint seed) =>
        Configuration.Create()
            .WithTestingIterations(iterations)
            .WithRandomGeneratorSeed(seed)
            .WithMaxSchedulingSteps(MaxSteps)
            .WithPartiallyControlledConcurrencyAllowed(false)
            .WithSystematicFuzzingFallbackEnabled(false)
            .WithTelemetryEnabled(false)
            // A scenario's Task.Delay lets the host run for up to 100 scheduling steps before the scenario lets more
            // virtual time pass; with Coyote's default (10), time outran the work it created and iterations took
            // hundreds of rounds instead of a dozen.
            .WithTimeoutDelay(100);

    /// <summary>Explores <paramref name="scenario"/> and asserts it has no bug.</summary>
    public static void Explore(string name, Func<Task> scenario, ITestOutputHelper output, uint seed)
    {
        var iterations = Environment.GetEnvironmentVariable(IterationsVariable) is { } text
            ? uint.Parse(text, CultureInfo.InvariantCulture)
            : DefaultIterations;
        if (Environment.GetEnvironmentVariable(SeedVariable) is { } seedText)
        {
            seed = uint.Parse(seedText, CultureInfo.InvariantCulture);
        }

        var wall = Stopwatch.StartNew();
        using var engine = TestingEngine.Create(Configure(iterations, seed), scenario);
        engine.Run();
        wall.Stop();
        var report = engine.TestReport;
        var explored = report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths;
        output.WriteLine($"{name}: seed {seed}, {explored} iterations in {wall.Elapsed.TotalSeconds:F2} s " +
            $"({explored / wall.Elapsed.TotalSeconds:F0}/s), up to {report.MaxExploredFairSteps} steps and " +
            $"{report.MaxControlledOperations} operations per iteration");
        Assert.True(engine.IsTestRewritten(), "the test assembly was not rewritten by coyote rewrite");
        Assert.True(report.UncontrolledInvocations.Count == 0,
            $"uncontrolled invocations (Coyote cannot explore these): {string.Join(", ", report.UncontrolledInvocations)}");
        if (report.NumOfFoundBugs > 0)
        {
            var trace = SaveTrace(name, engine.ReproducibleTrace);
            Assert.Fail($"{name}: Coyote found a bug (seed {seed}); reproducible trace saved to {trace}:\n" +
                string.Join("\n", report.BugReports));
        }

        Assert.Equal((int)iterations, explored);
    }

    /// <summary>Writes a reproducible trace where the test results go, and returns its path.</summary>
    public static string SaveTrace(string name, string trace)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "coyote-traces");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{name}.trace");
        File.WriteAllText(path, trace);
        return path;
    }
}
