using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class AckRacingRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_an_ack_racing_a_revocation_is_applied_before_it_or_ignored_after_it() =>
        SystematicRun.Explore(nameof(AckRacingRevocationTests), Race.AckDuringRevocation, ScenarioAsync, output, seed: 1);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // Handlers return no_ack and a separate task acks each batch through Ack/5. As soon as member a (alone, so it
        // owns everything) holds its first ack, member b joins and the group rebalances: the ack lands before a's
        // revocation (committed by a), while a's revoke callback runs, or after it (stale, ignored).
        var group = TestGroup.Create(races);
        await group.StartAsync("a", s => s with { HoldAcks = true });
        var acker = group.AckHeldAsync();
        await group.Happenings.When(Cue.AckHeld, "a");
        await group.StartAsync("b", s => s with { HoldAcks = true });
        await group.SettleAndStopAsync();
        await acker;
    }
}
