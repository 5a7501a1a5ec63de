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
        // Rebalances back to back while workers start, handle and stop: b joins, a rebalance is forced twice (eager:
        // everything is revoked each time), and b leaves. Each revocation may come while the previous assignment's
        // workers are starting or have a batch in hand, and partitions come back to a member that held them before.
        var group = TestGroup.Create(races, messagesPerPartition: 6);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 2 });
        await group.StartAsync("b", s => s with { YieldsPerBatch = 2 });
        group.Rebalance();
        await group.PassTimeAsync();
        group.Rebalance();
        await group.LeaveAsync("b");
        await group.SettleAndStopAsync();
    }
}
