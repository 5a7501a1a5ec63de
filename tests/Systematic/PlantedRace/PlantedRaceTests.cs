using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.SystematicTesting;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.PlantedRace;

/// <summary>Proof of power: Coyote finds a race planted in the host's revocation path, and the saved trace of that
/// failure replays to the same failure.</summary>
public sealed class PlantedRaceTests(ITestOutputHelper output)
{
    private const string Violation = "at most one owner per partition";

    // Committed beside this file; regenerate it with the command in docs/systematic.md when the host changes.
    private static readonly string SavedTrace = Path.Combine(AppContext.BaseDirectory, "PlantedRace", "revocation-completes-early.trace");

    [Fact]
    public void Systematic_finds_a_revocation_that_completes_before_its_worker_stopped()
    {
        using var engine = TestingEngine.Create(SystematicRun.Configure(SystematicRun.DefaultIterations, seed: 11), ScenarioAsync);
        engine.Run();
        var report = engine.TestReport;
        Assert.True(report.NumOfFoundBugs > 0, $"the planted race went unnoticed in {SystematicRun.DefaultIterations} iterations");
        var found = string.Join("\n", report.BugReports);
        var path = SystematicRun.SaveTrace("revocation-completes-early", engine.ReproducibleTrace);
        output.WriteLine($"found after {report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths} iterations; trace: {path}\n{found}");
        Assert.Contains(Violation, found, StringComparison.Ordinal);
        Assert.Empty(report.UncontrolledInvocations);
    }

    [Fact]
    public void Systematic_the_saved_trace_of_the_planted_race_replays_to_the_same_violation()
    {
        var configuration = SystematicRun.Configure(1, seed: 11).WithReproducibleTrace(File.ReadAllText(SavedTrace));
        using var engine = TestingEngine.Create(configuration, ScenarioAsync);
        engine.Run();
        var found = string.Join("\n", engine.TestReport.BugReports);
        output.WriteLine(found);
        Assert.Equal(1, engine.TestReport.NumOfFoundBugs);
        Assert.Contains(Violation, found, StringComparison.Ordinal);
    }

    /// <summary>Member a runs the planted machine and slow handlers; its partitions move to b while a batch may still be
    /// in a's handler.</summary>
    private static async Task ScenarioAsync()
    {
        var group = TestGroup.Create();
        await group.StartAsync("a", s => s with { YieldsPerBatch = 3 }, machine: config => new RevocationCompletesEarly(config));
        await group.StartAsync("b");
        group.Spread("a");
        await group.PassTimeAsync();
        group.Spread("b");
        await group.SettleAndStopAsync();
    }
}
