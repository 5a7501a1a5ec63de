using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class CommitAfterNewGenerationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_commit_answered_after_a_new_generation_started_never_moves_offsets_back() =>
        SystematicRun.Explore(nameof(CommitAfterNewGenerationTests), Race.CommitFencedByNewGeneration, ScenarioAsync, output, seed: 3);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // direct_ack commits every ack at once, and commits wait in the network on both sides. Member a owns partition 0
        // and b partition 1; as soon as a's first commit is in the network, a cooperative rebalance moves partition 1
        // to a. a keeps partition 0 and goes on committing while b revokes, and b's revocation ends the generation: a's
        // commits in the network then reach the coordinator in the new generation, which a has not joined yet, and are
        // fenced. A fenced commit must go out again once a has joined, and offsets never move back.
        var group = TestGroup.Create(races, messagesPerPartition: 6);
        await group.StartAsync("a", configure: o => o.DirectAck = true);
        await group.StartAsync("b", configure: o => o.DirectAck = true);
        group.Spread("a", "b");
        await group.Happenings.When(Cue.CommitEntered, "a");
        group.Cluster.Rebalance(group.Spreading("a"), cooperative: true);
        await group.SettleAndStopAsync();
    }
}
