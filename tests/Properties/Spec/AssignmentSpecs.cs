using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Assignments received: the assignment callback per partition, then one worker per partition.</summary>
public sealed class AssignmentSpecs
{
    [Fact]
    public void Assigned_partition_calls_the_assignment_handler_then_starts_a_worker_at_its_committed_offset()
    {
        var h = new Harness();

        var received = h.Receive(1, ("orders", 0, 42));
        Assert.Equal(new GroupEffect[] { new GroupEffect.InvokeAssignmentReceived(Tp("orders", 0), 1) }, received);
        Assert.Empty(h.State.Workers);

        var started = h.AnswerCallbacks(received);
        Assert.Equal(new GroupEffect[] { new GroupEffect.StartWorker(new WorkerId(1), Tp("orders", 0), 1, StartPosition.At(42)) }, started);
        Assert.Equal(PartitionPhase.Running, h.State.Partitions[Tp("orders", 0)].Phase);
        Assert.Equal(ManagerPhase.Active, h.State.Phase);
        Assert.Equal(1, h.State.GenerationId);
    }

    [Fact]
    public void Partition_with_nothing_committed_starts_at_the_configured_begin_offset()
    {
        var elsaDefault = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig() });
        var explicitOffset = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { BeginOffset = StartPosition.At(7) } });

        var atLatest = Assert.Single(elsaDefault.Assign(1, ("orders", 0, null)).OfType<GroupEffect.StartWorker>());
        var atSeven = Assert.Single(explicitOffset.Assign(1, ("orders", 0, null)).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.Latest, atLatest.Position);
        Assert.Equal(StartPosition.At(7), atSeven.Position);
    }

    [Fact]
    public void Assignment_reporting_a_negative_committed_offset_is_taken_as_nothing_committed()
    {
        var h = new Harness();

        var effects = h.Assign(1, ("orders", 0, -3));

        Assert.Contains(effects, e => e is GroupEffect.Diagnostic { Kind: DiagnosticKind.InvalidAssignment });
        Assert.Equal(StartPosition.Earliest, Assert.Single(effects.OfType<GroupEffect.StartWorker>()).Position);
        Assert.Empty(h.State.CommittedOffsets("orders"));
    }

    [Fact]
    public void Assignment_callbacks_are_invoked_one_at_a_time_in_partition_order_before_any_worker_starts()
    {
        var h = new Harness();

        var first = h.Receive(1, ("payments", 0, null), ("orders", 1, null), ("orders", 0, null));
        Assert.Equal(new GroupEffect[] { new GroupEffect.InvokeAssignmentReceived(Tp("orders", 0), 1) }, first);

        var second = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 0), 1, CallbackOutcome.Ok));
        Assert.Equal(new GroupEffect[] { new GroupEffect.InvokeAssignmentReceived(Tp("orders", 1), 1) }, second);

        var third = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 1), 1, CallbackOutcome.Ok));
        Assert.Equal(new GroupEffect[] { new GroupEffect.InvokeAssignmentReceived(Tp("payments", 0), 1) }, third);

        var started = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("payments", 0), 1, CallbackOutcome.Ok));
        Assert.Equal(
            new[] { Tp("orders", 0), Tp("orders", 1), Tp("payments", 0) },
            started.Cast<GroupEffect.StartWorker>().Select(s => s.Partition));
    }

    [Fact]
    public void Assignment_handler_error_fails_the_manager_starts_no_worker_and_invokes_no_later_callback()
    {
        var h = new Harness();
        h.Receive(1, ("orders", 0, null), ("orders", 1, null), ("orders", 2, null));
        h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 0), 1, CallbackOutcome.Ok));

        var failed = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 1), 1, CallbackOutcome.Failed("no database")));

        var fail = Assert.IsType<GroupEffect.Fail>(Assert.Single(failed));
        Assert.Contains("orders/1", fail.Reason, StringComparison.Ordinal);
        Assert.Contains("no database", fail.Reason, StringComparison.Ordinal);
        Assert.Equal(ManagerPhase.Failed, h.State.Phase);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.StartWorker);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.InvokeAssignmentReceived { Partition.Partition: 2 });

        h.ApplyIgnored(new GroupEvent.AssignmentsReceived("member-1", 2, ValueList.Of(new Assignment(Tp("orders", 3), null))), DiagnosticKind.IgnoredEvent);
        h.Tick(60_000);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.StartWorker or GroupEffect.InvokeAssignmentReceived { GenerationId: 2 });
    }

    [Fact]
    public void Assignment_handler_error_stops_the_workers_already_running()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var running = h.WorkerOf("orders", 0);
        h.Receive(2, ("orders", 1, null));

        var failed = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 1), 2, CallbackOutcome.Failed("boom")));

        Assert.Equal(new GroupEffect.StopWorker(running), failed[0]);
        Assert.IsType<GroupEffect.Fail>(failed[1]);
        Assert.Empty(h.ConfirmStops(failed));
        Assert.Empty(h.State.Workers);
    }

    [Fact]
    public void New_assignment_while_the_old_worker_is_alive_stops_it_and_starts_the_new_worker_only_after_it_stopped()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 10));
        var old = h.WorkerOf("orders", 0);

        var received = h.Receive(2, ("orders", 0, 20));
        Assert.Equal(
            new GroupEffect[] { new GroupEffect.StopWorker(old), new GroupEffect.InvokeAssignmentReceived(Tp("orders", 0), 2) },
            received);

        Assert.Empty(h.AnswerCallbacks(received));
        Assert.Null(h.State.Partitions[Tp("orders", 0)].Worker);

        var started = h.Apply(new GroupEvent.WorkerStopped(old));
        Assert.Equal(new GroupEffect[] { new GroupEffect.StartWorker(new WorkerId(2), Tp("orders", 0), 2, StartPosition.At(20)) }, started);
    }

    [Fact]
    public void Deliveries_reported_by_the_previous_owners_stopping_worker_do_not_move_where_the_new_worker_starts()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 42));
        var old = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 42, 49);

        h.AnswerCallbacks(h.Receive(2, ("orders", 0, 42)));
        h.ApplyIgnored(new GroupEvent.MessagesDelivered(old, 50, 60), DiagnosticKind.UnknownWorker);
        var started = h.Apply(new GroupEvent.WorkerStopped(old));

        // Messages 42..49 were never acked or committed: the new owner must read them again.
        Assert.Equal(StartPosition.At(42), Assert.Single(started.OfType<GroupEffect.StartWorker>()).Position);
    }

    [Fact]
    public void Partition_whose_callback_is_answered_in_a_newer_generation_still_gets_a_worker()
    {
        var h = new Harness();
        var first = h.Receive(1, ("orders", 0, null), ("orders", 1, null));
        var cooperative = h.Receive(2, ("orders", 2, null));
        Assert.Empty(cooperative);

        var effects = h.AnswerCallbacks(first);

        Assert.Contains(effects, e => e is GroupEffect.InvokeAssignmentReceived { Partition.Partition: 1, GenerationId: 2 });
        Assert.Equal(
            new[] { Tp("orders", 0), Tp("orders", 1), Tp("orders", 2) },
            effects.OfType<GroupEffect.StartWorker>().Select(s => s.Partition));
        Assert.All(h.State.Partitions.Values, p => Assert.Equal(PartitionPhase.Running, p.Phase));
    }

    [Fact]
    public void Assignment_from_an_already_seen_generation_is_ignored()
    {
        var h = new Harness();
        h.Assign(3, ("orders", 0, null));

        h.ApplyIgnored(new GroupEvent.AssignmentsReceived("member-1", 3, ValueList.Of(new Assignment(Tp("orders", 1), null))), DiagnosticKind.InvalidAssignment);
        h.ApplyIgnored(new GroupEvent.AssignmentsReceived("member-1", 2, ValueList.Of(new Assignment(Tp("orders", 1), null))), DiagnosticKind.InvalidAssignment);
    }
}
