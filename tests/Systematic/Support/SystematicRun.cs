using System.Diagnostics;
using System.Globalization;
using Elsa.Sim.Testing;
using Microsoft.Coyote;
using Microsoft.Coyote.Logging;
using Microsoft.Coyote.SystematicTesting;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>Runs scenarios under Coyote's <see cref="TestingEngine"/>: many iterations, each a different controlled
/// interleaving of the host's tasks, from a fixed seed. <see cref="Explore"/> fails the xunit test on any bug (an oracle
/// violation, a scenario's liveness check, a deadlock, an unhandled exception, an iteration that hits the step bound) with
/// Coyote's report and the path of the saved reproducible trace, when the scenario never provoked its race, and on any
/// uncontrolled invocation (concurrency Coyote cannot see would make the exploration unsound). <see cref="Hunt"/> runs
/// a planted bug's scenario and returns what Coyote found.</summary>
internal static class SystematicRun
{
    /// <summary>Iterations per scenario in the default run (the test suite's). Each iteration runs the shipped host on the
    /// simulator's whole cluster, so a thousand per scenario is the documented long run (docs/systematic.md), with
    /// <see cref="IterationsVariable"/>.</summary>
    public const uint DefaultIterations = 250;

    /// <summary>Overrides <see cref="DefaultIterations"/> for long runs (docs/systematic.md).</summary>
    public const string IterationsVariable = "ELSA_SIM_COYOTE_ITERATIONS";

    /// <summary>Overrides every scenario's seed, to explore other schedules.</summary>
    public const string SeedVariable = "ELSA_SIM_COYOTE_SEED";

    /// <summary>The path of a reproducible trace: each scenario test then replays it, once, instead of exploring
    /// (docs/systematic.md, replaying a failure).</summary>
    public const string TraceVariable = "ELSA_SIM_COYOTE_TRACE";

    /// <summary>The scheduling-step bound of one iteration (<see cref="CoyoteRun.Configure"/>). Correct iterations take
    /// under 1,500 steps; one that waits out its round budget stuck (the scenario's liveness check) about 4,000
    /// (docs/systematic.md), so its violation is reported, not cut off.</summary>
    public const uint MaxSteps = 100_000;

    private static readonly string TraceDirectory = Path.Combine(AppContext.BaseDirectory, "coyote-traces");

    /// <summary>The kit's Coyote configuration (<see cref="CoyoteRun.Configure"/>) with the suite's step bound.</summary>
    public static Configuration Configure(uint iterations, uint seed) => CoyoteRun.Configure(iterations, seed, MaxSteps);

    /// <summary>Explores <paramref name="scenario"/> for <paramref name="iterations"/> iterations (or as many as
    /// <see cref="IterationsVariable"/> says) and asserts it has no bug and provoked <paramref name="race"/> in at least
    /// one of them.</summary>
    public static void Explore(string name, Race race, Func<RaceTally, Task> scenario, ITestOutputHelper output, uint seed,
        uint iterations = DefaultIterations)
    {
        var races = new RaceTally(race);
        if (Environment.GetEnvironmentVariable(TraceVariable) is { Length: > 0 } trace)
        {
            Replay(name, trace, () => scenario(races), output);
            return;
        }

        if (Environment.GetEnvironmentVariable(IterationsVariable) is { } text)
        {
            iterations = uint.Parse(text, CultureInfo.InvariantCulture);
        }

        if (Environment.GetEnvironmentVariable(SeedVariable) is { } seedText)
        {
            seed = uint.Parse(seedText, CultureInfo.InvariantCulture);
        }

        ExpectNoBug(name, () => scenario(races), iterations, seed, output, () => $"; race {race} in {races.Hits} of {races.Iterations} iterations");
        Assert.True(races.Hits > 0, $"{name}: the race {race} never happened in {races.Iterations} iterations");
    }

    /// <summary>Explores <paramref name="scenario"/> and asserts Coyote found no bug in any of its
    /// <paramref name="iterations"/>; prints one line of figures, ending with <paramref name="note"/>.</summary>
    public static void ExpectNoBug(string name, Func<Task> scenario, uint iterations, uint seed, ITestOutputHelper output,
        Func<string>? note = null)
    {
        var wall = Stopwatch.StartNew();
        using var engine = TestingEngine.Create(Configure(iterations, seed), scenario);
        engine.Run();
        wall.Stop();
        var report = engine.TestReport;
        var explored = report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths;
        output.WriteLine($"{name}: seed {seed}, {explored} iterations in {wall.Elapsed.TotalSeconds:F2} s " +
            $"({explored / wall.Elapsed.TotalSeconds:F0}/s), up to {report.MaxExploredFairSteps} steps and " +
            $"{report.MaxControlledOperations} operations per iteration{note?.Invoke()}");
        AssertSound(engine);
        if (report.NumOfFoundBugs > 0)
        {
            var path = CoyoteRun.SaveTrace(TraceDirectory, name, engine.ReproducibleTrace);
            Assert.Fail($"{name}: Coyote found a bug (seed {seed}); reproducible trace saved to {path}:\n" +
                string.Join("\n", report.BugReports));
        }

        Assert.Equal((int)iterations, explored);
    }

    /// <summary>Explores a planted bug's <paramref name="scenario"/> until Coyote finds a bug, saves its trace under
    /// <paramref name="name"/>, and returns Coyote's report of it.</summary>
    public static string Hunt(string name, Func<Task> scenario, uint iterations, uint seed, ITestOutputHelper output)
    {
        using var engine = TestingEngine.Create(Configure(iterations, seed), scenario);
        engine.Run();
        var report = engine.TestReport;
        AssertSound(engine);
        Assert.True(report.NumOfFoundBugs > 0, $"{name}: the planted bug went unnoticed in {iterations} iterations (seed {seed})");
        var found = string.Join("\n", report.BugReports);
        var path = CoyoteRun.SaveTrace(TraceDirectory, name, engine.ReproducibleTrace);
        output.WriteLine($"{name}: found after {report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths} of {iterations} " +
            $"iterations (seed {seed}), up to {report.MaxExploredFairSteps} steps per iteration; trace: {path}\n{found}");
        return found;
    }

    /// <summary>Fails unless Coyote controlled everything (<see cref="CoyoteRun.Unsound"/>): the test assembly, the host
    /// and the simulated world were rewritten, and no invocation escaped its scheduler.</summary>
    public static void AssertSound(TestingEngine engine)
    {
        var unsound = CoyoteRun.Unsound(engine);
        Assert.True(unsound is null, unsound);
    }

    /// <summary>Replays one saved trace of <paramref name="scenario"/> with Coyote's step-by-step log, written beside the
    /// trace, and fails with the bug it reproduces, if any.</summary>
    private static void Replay(string name, string tracePath, Func<Task> scenario, ITestOutputHelper output)
    {
        var logPath = tracePath + ".log";
        using (var log = new StreamWriter(logPath))
        {
            var configuration = Configure(1, seed: 0)
                .WithReproducibleTrace(File.ReadAllText(tracePath))
                .WithVerbosityEnabled(VerbosityLevel.Debug);
            using var engine = TestingEngine.Create(configuration, scenario);
            engine.SetLogger(new TextWriterLogger(log, VerbosityLevel.Debug));
            engine.Run();
            AssertSound(engine);
            var report = engine.TestReport;
            output.WriteLine($"{name}: replayed {tracePath}; Coyote's log: {logPath}");
            Assert.True(report.NumOfFoundBugs == 0,
                $"{name}: the trace reproduces a bug (log: {logPath}):\n{string.Join("\n", report.BugReports)}");
        }
    }
}
