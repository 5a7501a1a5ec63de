using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class WorkerCrashDuringRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_worker_crashing_while_its_partition_is_revoked_is_not_restarted_on_the_old_owner() =>
        SystematicRun.Explore(nameof(WorkerCrashDuringRevocationTests), Race.CrashDuringRevocation, ScenarioAsync, output, seed: 2);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // Member a's handlers throw once, on the batch holding offset 1, and only once a's revoke callback is running:
        // as soon as a holds such a batch, member b joins and the group rebalances. The crash then races the revocation
        // on the manager's queue (crash first: a restart is scheduled and must be called off; revocation first: the
        // worker is stopping when it throws), and the revocation must still complete with one owner at a time.
        var group = TestGroup.Create(races);
        await group.StartAsync("a", s => s with { CrashAt = new HashSet<long> { 1 }, CrashDuringRevocation = true });
        await group.Happenings.When(Cue.CrashArmed, "a");
        await group.StartAsync("b");
        await group.SettleAndStopAsync();
    }
}
