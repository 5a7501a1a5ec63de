using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class ShutdownWhileHandlingTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_a_shutdown_while_a_handler_runs_waits_for_the_batch_and_ends_cleanly() =>
        SystematicRun.Explore(nameof(ShutdownWhileHandlingTests), Race.StopDuringBatch, ScenarioAsync, output, seed: 4);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // Slow handlers (several scheduling points per batch), and a stop requested as soon as the first batch is in a
        // handler's hands: the shutdown lands during that batch or just after it, while the other partition's worker may
        // be starting or handling, and must end cleanly, committing what was handled.
        var group = TestGroup.Create(races);
        await group.StartAsync("a", s => s with { YieldsPerBatch = 4 });
        await group.Happenings.When(Cue.BatchStarted, "a");
        group.WaiveProgress();
        await group.StopAllAsync();
    }
}
