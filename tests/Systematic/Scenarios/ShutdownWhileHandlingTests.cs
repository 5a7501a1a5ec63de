using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class ShutdownWhileHandlingTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_shutdown_while_a_handler_runs_waits_for_the_batch_and_ends_cleanly() =>
        SystematicRun.Explore(nameof(ShutdownWhileHandlingTests), ScenarioAsync, output, seed: 4);

    internal static async Task ScenarioAsync()
    {
        // Slow handlers (several scheduling points per batch) and a stop requested as soon as the partitions are
        // assigned: the shutdown may land before, during or after any batch, and must end cleanly, committing only
        // what was handled.
        var group = TestGroup.Create();
        await group.StartAsync("a", s => s with { YieldsPerBatch = 4 });
        group.Spread("a");
        await Task.Delay(1);
        TestGroup.WaiveProgress();
        await group.StopAllAsync();
    }
}
