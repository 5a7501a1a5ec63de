using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Support;
using Xunit.Abstractions;

namespace Elsa.Sim.Systematic.Tests.Scenarios;

public sealed class AssignmentHandlerFailureTests(ITestOutputHelper output)
{
    [Fact]
    public void Systematic_an_assignment_handler_that_fails_fails_the_member_without_hanging_the_rebalance() =>
        SystematicRun.Explore(nameof(AssignmentHandlerFailureTests), Race.FailureWithRebalanceQueued, ScenarioAsync, output, seed: 5);

    internal static async Task ScenarioAsync(RaceTally races)
    {
        // assignment_received_handler refuses partition 1 (Elsa: the manager fails). The moment it does, member b, which
        // has no such handler, joins: a's failure lands before or during the rebalance b's join starts. Member a must fail
        // for that reason, leave its rebalance callbacks unblocked and go down; b takes over.
        var group = TestGroup.Create(races);
        var refusing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await group.StartAsync("a", configure: o => o.AssignmentReceivedHandler = (_, partition, _, _) =>
        {
            if (partition.Partition != 1)
            {
                return ValueTask.FromResult(CallbackOutcome.Ok);
            }

            refusing.TrySetResult();
            return ValueTask.FromResult(CallbackOutcome.Failed("partition 1 refused"));
        });
        await refusing.Task;
        await group.StartAsync("b");
        await group.SettleAndStopAsync(new ExpectedFailure("a", "assignment_received_handler failed for orders/1 in generation 1: partition 1 refused"));
    }
}
