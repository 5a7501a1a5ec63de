using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.SystematicTesting;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.PlantedRace;

/// <summary>Proof of power: Coyote finds a race planted in the host's revocation path, the saved trace of that failure
/// replays to the same failure, and the same scenario over the real machine has no bug.</summary>
public sealed class PlantedRaceTests(ITestOutputHelper output)
{
    private const string Violation = "at most one owner per partition";

    // What the committed trace replays to, word for word.
    private const string ReplayedViolation = "at most one owner per partition: b worker 3 (generation 2) started on orders/0 while a worker 1 still owns it";

    // Committed beside this file; regenerate it with the command in docs/systematic.md when the host changes.
    private static readonly string SavedTrace = Path.Combine(AppContext.BaseDirectory, "PlantedRace", "revocation-completes-early.trace");

    [Fact]
    public void Systematic_finds_a_revocation_that_completes_before_its_worker_stopped()
    {
        var found = SystematicRun.Hunt("revocation-completes-early", () => ScenarioAsync(races: null, config => new RevocationCompletesEarly(config)),
            SystematicRun.DefaultIterations, seed: 11, output);
        Assert.Contains(Violation, found, StringComparison.Ordinal);
    }

    [Fact]
    public void Systematic_the_saved_trace_of_the_planted_race_replays_to_the_same_violation()
    {
        var configuration = SystematicRun.Configure(1, seed: 11).WithReproducibleTrace(File.ReadAllText(SavedTrace));
        using var engine = TestingEngine.Create(configuration, () => ScenarioAsync(races: null, config => new RevocationCompletesEarly(config)));
        engine.Run();
        var found = string.Join("\n", engine.TestReport.BugReports);
        output.WriteLine(found);
        SystematicRun.AssertSound(engine);
        Assert.Equal(1, engine.TestReport.NumOfFoundBugs);
        Assert.Equal(ReplayedViolation, found);
    }

    [Fact]
    public void Systematic_the_planted_race_scenario_over_the_real_machine_has_no_bug() =>
        SystematicRun.Explore(nameof(Systematic_the_planted_race_scenario_over_the_real_machine_has_no_bug), Race.RevocationDuringBatch,
            races => ScenarioAsync(races, config => new GroupMachine(config)), output, seed: 11, iterations: 200);

    /// <summary>Member a runs <paramref name="machine"/> and slow handlers; its partitions move to b while a batch may
    /// still be in a's handler.</summary>
    private static async Task ScenarioAsync(RaceTally? races, Func<GroupConfig, IGroupMachine> machine)
    {
        var group = TestGroup.Create(races);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 3 }, machine: machine);
        await group.StartAsync("b");
        group.Spread("a");
        await group.PassTimeAsync();
        group.Spread("b");
        await group.SettleAndStopAsync();
    }
}
