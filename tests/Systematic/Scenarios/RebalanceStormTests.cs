using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class RebalanceStormTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_several_rebalances_in_quick_succession_keep_one_owner_per_partition() =>
        SystematicRun.Explore(nameof(RebalanceStormTests), Race.RevocationDuringBatch, ScenarioAsync, output, seed: 7);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // Four rebalances queued back to back, eager and cooperative, while workers start, handle and stop: each
        // revocation may come while the previous assignment's workers are starting or have a batch in hand, and
        // partitions come back to a member that held them before.
        var group = TestGroup.Create(races);
        await group.StartAsync("a");
        await group.StartAsync("b");
        group.Spread("a");
        group.Spread("b");
        group.Spread("a", "b");
        group.Cluster.Rebalance(group.Spreading("b", "a"), cooperative: true);
        await group.SettleAndStopAsync();
    }
}
