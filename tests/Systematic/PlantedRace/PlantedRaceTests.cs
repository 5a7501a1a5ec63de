using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Systematic.Tests.PlantedBugs;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.SystematicTesting;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.PlantedRace;

/// <summary>Proof that a failure replays: the saved Coyote trace of the planted race (<see cref="RevocationCompletesEarly"/>:
/// a revocation that completes before its worker stopped) replays to the same violation, word for word.</summary>
public sealed class PlantedRaceTests(ITestOutputHelper output)
{
    // What the committed trace replays to, word for word (the violation's time and offsets included): the old owner's
    // worker hands on a batch after its revocation completed early.
    private const string ReplayedViolation = "handled-after-revocation at 250 ms: member 0 handed orders/0 1..1 to its handler after its ownership of the partition had ended";

    // Committed beside this file; regenerate it with the command in docs/systematic.md when the host changes.
    private static readonly string SavedTrace = Path.Combine(AppContext.BaseDirectory, "PlantedRace", "revocation-completes-early.trace");

    [Fact]
    public void Systematic_the_saved_trace_of_the_planted_race_replays_to_the_same_violation()
    {
        var configuration = SystematicRun.Configure(1, seed: 22).WithReproducibleTrace(File.ReadAllText(SavedTrace));
        using var engine = TestingEngine.Create(configuration, () => PlantedBugTests.MoveWhileHandlingAsync(PlantedBug.Named(nameof(RevocationCompletesEarly))));
        engine.Run();
        var found = string.Join("\n", engine.TestReport.BugReports);
        output.WriteLine(found);
        SystematicRun.AssertSound(engine);
        Assert.Equal(1, engine.TestReport.NumOfFoundBugs);
        Assert.Equal(ReplayedViolation, found);
    }
}
