using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>The queue of assignment callbacks (one at a time, in partition order): a partition leaves it when it is
/// revoked or assigned again before its callback ran, and a revocation that waits for the callback under way completes
/// when that callback returns, whatever the manager's phase by then.</summary>
public sealed class CallbackQueueSpecs
{
    [Fact]
    public void A_partition_revoked_while_its_callback_waits_in_the_queue_never_gets_it()
    {
        var h = new Harness();
        var received = h.Receive(1, ("orders", 0, null), ("orders", 1, null), ("orders", 2, null));
        Assert.Equal(Tp("orders", 0), Assert.Single(received.OfType<GroupEffect.InvokeAssignmentReceived>()).Partition);

        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("orders", 1)))));
        var rest = h.AnswerCallbacks(received);

        Assert.Equal([Tp("orders", 2)], rest.OfType<GroupEffect.InvokeAssignmentReceived>().Select(i => i.Partition));
        Assert.DoesNotContain(h.History.OfType<GroupEffect.InvokeAssignmentReceived>(), i => i.Partition == Tp("orders", 1));
    }

    [Fact]
    public void A_partition_assigned_again_before_its_callback_ran_gets_one_callback_in_the_new_generation()
    {
        var h = new Harness();
        var first = h.Receive(1, ("orders", 0, null), ("orders", 1, null));
        var again = h.Receive(2, ("orders", 1, null));

        h.AnswerCallbacks(first.Concat(again));

        var callbacks = h.History.OfType<GroupEffect.InvokeAssignmentReceived>().Where(i => i.Partition == Tp("orders", 1)).ToList();
        Assert.Equal(2, Assert.Single(callbacks).GenerationId);
    }

    [Fact]
    public void A_revocation_waiting_for_the_callback_under_way_completes_when_it_returns_even_to_a_stopped_manager()
    {
        var h = new Harness();
        var received = h.Receive(1, ("orders", 0, null), ("orders", 1, null));
        h.Apply(new GroupEvent.ShutdownRequested());
        Assert.Empty(h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All)).OfType<GroupEffect.CompleteRevocation>());

        var returned = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 0), 1, CallbackOutcome.Ok));

        Assert.Single(returned.OfType<GroupEffect.CompleteRevocation>());
        Assert.Empty(returned.OfType<GroupEffect.InvokeAssignmentReceived>());
        Assert.Single(received.OfType<GroupEffect.InvokeAssignmentReceived>());
    }
}
