using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class CommitAfterNewGenerationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_commit_answered_after_a_new_generation_started_never_moves_offsets_back() =>
        SystematicRun.Explore(nameof(CommitAfterNewGenerationTests), ScenarioAsync, output, seed: 3);

    internal static async Task ScenarioAsync()
    {
        // direct_ack commits every ack at once, and commits wait in the network on both sides; a cooperative
        // rebalance lets member a keep partition 0 while partition 1 moves to b, so commits of the old generation
        // are answered (or fenced) after the new one began.
        var group = TestGroup.Create(messagesPerPartition: 4);
        await group.StartAsync("a", configure: o => o.DirectAck = true);
        await group.StartAsync("b", configure: o => o.DirectAck = true);
        group.Spread("a");
        await group.PassTimeAsync();
        group.Cluster.Rebalance(group.Spreading("a", "b"), cooperative: true);
        await group.SettleAndStopAsync();
    }
}
