using Elsa.Sim.Simulation;
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
        // direct_ack commits every ack at once, and commits wait in the network on both sides. Members a and b share the
        // partitions (cooperative protocol); as soon as a's first commit is in the network, b leaves. a keeps its
        // partitions and goes on committing while the group moves to a new generation: a's commits in the network then
        // reach the coordinator in a generation a has not joined yet, and are fenced. A fenced commit must go out again
        // once a has joined, and offsets never move back.
        var group = TestGroup.Create(races, messagesPerPartition: 12, protocol: RebalanceProtocol.Cooperative);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 2 }, o => o.DirectAck = true);
        await group.StartAsync("b", configure: o => o.DirectAck = true);
        await group.Happenings.When(Cue.CommitEntered, "a");
        await group.LeaveAsync("b");
        await group.SettleAndStopAsync();
    }
}
