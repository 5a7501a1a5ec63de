using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class AssignmentHandlerFailureTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_an_assignment_handler_that_fails_fails_the_member_without_hanging_the_rebalance() =>
        SystematicRun.Explore(nameof(AssignmentHandlerFailureTests), ScenarioAsync, output, seed: 5);

    internal static async Task ScenarioAsync()
    {
        // assignment_received_handler refuses partition 1 (Elsa: the manager fails). Member a must fail, leave its
        // rebalance callbacks unblocked and its stop must finish; member b, which has no handler, takes over.
        var group = TestGroup.Create();
        await group.StartAsync("a", configure: o => o.AssignmentReceivedHandler = (_, partition, _, _) =>
            ValueTask.FromResult(partition.Partition == 1 ? CallbackOutcome.Failed("partition 1 refused") : CallbackOutcome.Ok));
        await group.StartAsync("b");
        group.Spread("a");
        await group.PassTimeAsync();
        group.Spread("b");
        await group.SettleAndStopAsync(failing: "a");
    }
}
