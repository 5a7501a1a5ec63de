using Elsa.Sim.Simulation;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>The real machine under the default exploration: no violation, and every fault kind exercised.</summary>
public sealed class RealCoreExplorationTests(DefaultExplorationFixture exploration, ITestOutputHelper output)
    : IClassFixture<DefaultExplorationFixture>
{
    [Fact]
    public void Real_core_violates_nothing_over_the_default_seeds()
    {
        var result = exploration.Result;
        output.WriteLine($"{result.Seeds} seeds, {result.Totals.Events} events, {result.Totals.MessagesHandled} messages handled, {result.Wall.TotalSeconds:F1} s");
        Assert.Equal(DefaultExplorationFixture.Seeds, result.Seeds);
        Assert.True(result.Failures.Count == 0,
            $"{result.Failures.Count} seed(s) failed; first: seed {result.Failures.FirstOrDefault()?.Seed}: {result.Failures.FirstOrDefault()?.Verdict}");
        Assert.True(result.Totals.MessagesHandled >= result.Totals.MessagesProduced - result.Totals.Expired,
            "fewer messages were handled than produced and not expired");
    }

    [Fact]
    public void Every_fault_kind_fires_in_the_first_thousand_default_seeds()
    {
        var firstThousand = new SimulationStats();
        for (ulong seed = 1; seed <= 1_000; seed++)
        {
            firstThousand.Add(Simulator.Run(new SimulationOptions(), seed).Stats);
        }

        var silent = Enum.GetValues<FaultKind>().Where(kind => firstThousand.FaultsFired(kind) == 0).ToArray();
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            output.WriteLine($"{kind}: fired {firstThousand.FaultsFired(kind)} times");
        }

        Assert.True(silent.Length == 0, $"never fired in 1,000 seeds: {string.Join(", ", silent)}");
    }
}
