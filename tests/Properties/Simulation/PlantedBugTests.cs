using Elsa.Sim.PlantedBugs;
using Elsa.Sim.Simulation;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>The simulator's power, tested: each planted bug (tests/PlantedBugs, the one set Coyote hunts too: core bugs
/// in a wrapper around the real machine, host bugs in a wrapper around the client port) is found by explore, running
/// the shipped host, within <see cref="SeedBudget"/> seeds and shrunk to a story of at most <see cref="MaxShrunkSteps"/>
/// faults; the real host passes that same shrunk run, so the bug (not the schedule) is what fails it.</summary>
public sealed class PlantedBugTests(ITestOutputHelper output)
{
    private const int SeedBudget = 2_000;
    private const int MaxShrunkSteps = 30;

    public static TheoryData<string> BugNames => [.. PlantedBug.All.Select(b => b.Name)];

    /// <summary>The options that plant <paramref name="bug"/> in every member.</summary>
    internal static SimulationOptions Planted(PlantedBug bug) => new()
    {
        MachineName = bug.Name,
        MachineFactory = bug.Machine ?? (config => new GroupMachine(config)),
        PortWrapper = bug.Port,
    };

    [Theory]
    [MemberData(nameof(BugNames))]
    public void Planted_bug_is_found_within_the_seed_budget_and_shrunk_to_a_short_story(string name)
    {
        var buggy = Planted(PlantedBug.Named(name));

        var failing = FirstFailure(buggy);

        Assert.True(failing is not null, $"{name} was not found in seeds 1..{SeedBudget}");
        var shrunk = Shrinker.Shrink(buggy, failing);
        output.WriteLine($"{name}: found at seed {failing.Seed} ({failing.Violation!.Kind}); shrunk to {shrunk.Steps} fault(s) in {shrunk.Runs} runs");
        output.WriteLine(shrunk.Story);
        Assert.False(shrunk.Minimal.Passed);
        Assert.Equal(failing.Violation!.Kind, shrunk.Minimal.Violation!.Kind);
        Assert.InRange(shrunk.Steps, 0, MaxShrunkSteps);
        var real = Simulator.Run(new SimulationOptions(), shrunk.Minimal.Seed, shrunk.Minimal.Plan);
        Assert.True(real.Passed, $"the real host fails the shrunk run of {name} too: {real.Verdict}");
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
