using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class LossDuringCommitTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_partitions_lost_while_a_commit_is_in_flight_are_never_committed_afterwards() =>
        SystematicRun.Explore(nameof(LossDuringCommitTests), ScenarioAsync, output, seed: 6);

    internal static async Task ScenarioAsync()
    {
        // Member a commits every ack (direct_ack) while its session expires: the loss lands before, during or after
        // a commit round trip. Nothing may be sent for the lost partitions once the lost callback returned, and after
        // a rejoins everything is handled.
        var group = TestGroup.Create(messagesPerPartition: 4);
        await group.StartAsync("a", configure: o => o.DirectAck = true);
        group.Spread("a");
        await group.PassTimeAsync();
        group.Cluster.Expire("a");
        group.Spread("a");
        await group.SettleAndStopAsync();
    }
}
