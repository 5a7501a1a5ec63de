using Elsa.Sim.Properties.Tests.Simulation.PlantedBugs;
using Elsa.Sim.Simulation;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>The simulator's power, tested: each known bug class, planted in a wrapper around the real machine, is found
/// within <see cref="SeedBudget"/> seeds and shrunk to a story of at most <see cref="MaxShrunkSteps"/> faults; the real
/// machine passes that same shrunk run, so the bug (not the schedule) is what fails it.</summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    private const int SeedBudget = 2_000;
    private const int MaxShrunkSteps = 30;

    private static readonly Dictionary<string, Func<GroupConfig, IGroupMachine>> Bugs = new()
    {
        [nameof(AcceptsStaleAcks)] = c => new AcceptsStaleAcks(c),
        [nameof(RestartsAtLatest)] = c => new RestartsAtLatest(c),
        [nameof(CommitsBeforeHandling)] = c => new CommitsBeforeHandling(c),
        [nameof(StartsBeforeOldWorkerStopped)] = c => new StartsBeforeOldWorkerStopped(c),
        [nameof(DropsAcksDuringRevocation)] = c => new DropsAcksDuringRevocation(c),
        [nameof(CommitsAfterLoss)] = c => new CommitsAfterLoss(c),
        [nameof(SkipsPastAckGap)] = c => new SkipsPastAckGap(c),
        [nameof(RestartsAtSymbolicStart)] = c => new RestartsAtSymbolicStart(c),
        [nameof(ResetPositionDoesNotStick)] = c => new ResetPositionDoesNotStick(c),
    };

    public static TheoryData<string> BugNames => [.. Bugs.Keys];

    [Theory]
    [MemberData(nameof(BugNames))]
    public void Planted_bug_is_found_within_the_seed_budget_and_shrunk_to_a_short_story(string bug)
    {
        var buggy = new SimulationOptions { MachineName = bug, MachineFactory = Bugs[bug] };

        var failing = FirstFailure(buggy);

        Assert.True(failing is not null, $"{bug} was not found in seeds 1..{SeedBudget}");
        var shrunk = Shrinker.Shrink(buggy, failing);
        output.WriteLine($"{bug}: found at seed {failing.Seed}; shrunk to {shrunk.Steps} fault(s) in {shrunk.Runs} runs");
        output.WriteLine(shrunk.Story);
        Assert.False(shrunk.Minimal.Passed);
        Assert.Equal(failing.Violation!.Kind, shrunk.Minimal.Violation!.Kind);
        Assert.InRange(shrunk.Steps, 0, MaxShrunkSteps);
        var real = Simulator.Run(new SimulationOptions(), shrunk.Minimal.Seed, shrunk.Minimal.Plan);
        Assert.True(real.Passed, $"the real machine fails the shrunk run of {bug} too: {real.Verdict}");
    }

    private static SimulationResult? FirstFailure(SimulationOptions options)
    {
        for (ulong seed = 1; seed <= SeedBudget; seed++)
        {
            var result = Simulator.Run(options, seed);
            if (!result.Passed)
            {
                return result;
            }
        }

        return null;
    }
}
