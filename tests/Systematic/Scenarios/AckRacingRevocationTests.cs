using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class AckRacingRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_an_ack_racing_a_revocation_is_applied_before_it_or_ignored_after_it() =>
        SystematicRun.Explore(nameof(AckRacingRevocationTests), ScenarioAsync, output, seed: 1);

    internal static async Task ScenarioAsync()
    {
        // Handlers return no_ack and a separate task acks each batch through Ack/5, while the partitions move from
        // member a to member b: the ack lands before the revocation (committed by a) or after it (stale, ignored).
        var group = TestGroup.Create();
        await group.StartAsync("a", s => s with { HoldAcks = true });
        await group.StartAsync("b", s => s with { HoldAcks = true });
        var acker = group.AckHeldAsync();
        group.Spread("a");
        await Task.Yield();
        group.Spread("b");
        await group.SettleAndStopAsync();
        group.Ledger.StopAcking();
        await acker;
    }
}
