using Elsa.Sim.Simulation;
using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class StaleMemberEpochCommitTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_commit_refused_for_a_stale_member_epoch_goes_out_again_and_the_group_drains() =>
        SystematicRun.Explore(nameof(StaleMemberEpochCommitTests), Race.CommitRefusedForStaleEpoch, ScenarioAsync, output, seed: 5);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // KIP-848: member a owns both partitions and commits every ack at once. As soon as its first commit is in the
        // network, the group epoch moves (a metadata change) while nothing moves: a's epoch follows at its next
        // heartbeat, and no rebalance callback ever reaches it. A commit of a's stamped with the old epoch is refused as
        // stale; it must go out again with the new epoch (taken as fenced, a would never commit again), and the group
        // must commit every partition to its end before any member stops.
        var group = TestGroup.Create(races, messagesPerPartition: 24, protocol: RebalanceProtocol.Consumer);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 2 }, o => o.DirectAck = true);
        await group.Happenings.When(Cue.CommitEntered, "a");
        group.Rebalance();
        await group.SettleAsync();
        await group.CommittedToTheEndAsync();
        await group.StopAllAsync();
    }
}
