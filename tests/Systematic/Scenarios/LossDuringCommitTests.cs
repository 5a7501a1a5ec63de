using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class LossDuringCommitTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_partitions_lost_while_a_commit_is_in_flight_are_never_committed_afterwards() =>
        SystematicRun.Explore(nameof(LossDuringCommitTests), Race.LossDuringCommit, ScenarioAsync, output, seed: 6);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // Member a commits every ack (direct_ack); its session expires as soon as its first commit is in the network, so
        // the loss lands before the coordinator sees that commit (fenced), between (stored, the answer in flight) or after
        // its answer. Nothing may be sent for the lost partitions once the lost callback returned, and after a rejoins as
        // a new member everything is handled.
        var group = TestGroup.Create(races, messagesPerPartition: 4);
        await group.StartAsync("a", configure: o => o.DirectAck = true);
        await group.Happenings.When(Cue.CommitEntered, "a");
        group.ExpireSession("a");
        await group.SettleAndStopAsync();
    }
}
