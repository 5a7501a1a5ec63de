using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class WorkerCrashDuringRevocationTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_worker_crashing_while_its_partition_is_revoked_is_not_restarted_on_the_old_owner() =>
        SystematicRun.Explore(nameof(WorkerCrashDuringRevocationTests), ScenarioAsync, output, seed: 2);

    internal static async Task ScenarioAsync()
    {
        // Every worker of member a throws once, on the batch holding offset 1, while the partitions move to b: the
        // crash and its restart backoff race the revocation, which must still complete with one owner at a time.
        var group = TestGroup.Create();
        await group.StartAsync("a", s => s with { CrashAt = new HashSet<long> { 1 } });
        await group.StartAsync("b");
        group.Spread("a");
        await group.PassTimeAsync();
        group.Spread("b");
        await group.SettleAndStopAsync();
    }
}
