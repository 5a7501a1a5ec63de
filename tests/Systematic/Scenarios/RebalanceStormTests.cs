using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class RebalanceStormTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_several_rebalances_in_quick_succession_keep_one_owner_per_partition() =>
        SystematicRun.Explore(nameof(RebalanceStormTests), ScenarioAsync, output, seed: 7);

    internal static async Task ScenarioAsync()
    {
        // Four rebalances queued back to back, eager and cooperative, while workers start, handle and stop: each
        // assignment may arrive before the previous one's workers are up.
        var group = TestGroup.Create();
        await group.StartAsync("a");
        await group.StartAsync("b");
        group.Spread("a");
        group.Spread("b");
        group.Spread("a", "b");
        group.Cluster.Rebalance(group.Spreading("b", "a"), cooperative: true);
        await group.SettleAndStopAsync();
    }
}
