using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>The outside world's mistakes (negative offsets, partitions not owned, worker ids not running, stale results)
/// are not bugs: each yields a <see cref="GroupEffect.Diagnostic"/> and leaves the state equal to what it was.</summary>
public sealed class BadInputSpecs
{
    [Fact]
    public void Ack_with_a_negative_or_overflowing_offset_is_a_diagnostic_and_changes_nothing()
    {
        var h = RunningOrders0();

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, -1), DiagnosticKind.InvalidAck);
        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, long.MaxValue), DiagnosticKind.InvalidAck);
    }

    [Fact]
    public void Ack_for_a_partition_this_member_does_not_own_is_a_diagnostic_and_changes_nothing()
    {
        var h = RunningOrders0();

        h.ApplyIgnored(new GroupEvent.Acked("orders", 9, 1, 0), DiagnosticKind.InvalidAck);
        h.ApplyIgnored(new GroupEvent.Acked("orders", -1, 1, 0), DiagnosticKind.InvalidAck);
        h.ApplyIgnored(new GroupEvent.Acked("refunds", 0, 1, 0), DiagnosticKind.InvalidAck);
    }

    [Fact]
    public void Events_naming_a_worker_id_that_never_ran_are_diagnostics_and_change_nothing()
    {
        var h = RunningOrders0();
        var stranger = new WorkerId(99);

        h.ApplyIgnored(new GroupEvent.WorkerStopped(stranger), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.WorkerExited(stranger, ExitReason.Crashed("?")), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.OffsetOutOfRange(stranger, 0), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.MessagesDelivered(stranger, 0, 1), DiagnosticKind.UnknownWorker);
    }

    [Fact]
    public void Delivery_with_negative_or_reversed_offsets_is_a_diagnostic_and_changes_nothing()
    {
        var h = RunningOrders0();
        var worker = h.WorkerOf("orders", 0);

        h.ApplyIgnored(new GroupEvent.MessagesDelivered(worker, -1, 5), DiagnosticKind.IgnoredEvent);
        h.ApplyIgnored(new GroupEvent.MessagesDelivered(worker, 9, 3), DiagnosticKind.IgnoredEvent);
    }

    [Fact]
    public void Tick_that_goes_back_in_time_is_a_diagnostic_and_changes_nothing()
    {
        var h = RunningOrders0();
        h.Tick(1_000);

        h.ApplyIgnored(new GroupEvent.Tick(999), DiagnosticKind.TimeWentBackwards);
    }

    [Fact]
    public void Callback_result_that_was_not_awaited_is_a_diagnostic_and_changes_nothing()
    {
        var h = RunningOrders0();
        h.ApplyIgnored(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 0), 1, CallbackOutcome.Ok), DiagnosticKind.StaleCallback);

        h.Receive(2, ("orders", 1, null));
        h.ApplyIgnored(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 1), 1, CallbackOutcome.Failed("late")), DiagnosticKind.StaleCallback);
        h.ApplyIgnored(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 2), 2, CallbackOutcome.Ok), DiagnosticKind.StaleCallback);
    }

    [Fact]
    public void Commit_result_from_a_previous_ownership_is_a_diagnostic_and_only_settles_its_commit()
    {
        var h = RunningOrders0();
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Assign(2, ("orders", 0, null));
        var before = h.State;

        var answered = h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));

        Assert.Equal(DiagnosticKind.StaleCommitResult, Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(answered)).Kind);
        Assert.Equal(before.Partitions, h.State.Partitions);
        Assert.Equal(before with { CommitsInFlight = ValueList<GroupEffect.CommitOffsets>.Empty }, h.State);
        h.ApplyIgnored(new GroupEvent.CommitCompleted(1, ValueList.Of(new PartitionOffset(Tp("refunds", 0), 5)), CommitOutcome.Success), DiagnosticKind.StaleCommitResult);
    }

    [Fact]
    public void Commit_result_for_an_offset_never_sent_is_a_diagnostic_and_changes_nothing()
    {
        var h = RunningOrders0();

        h.ApplyIgnored(new GroupEvent.CommitCompleted(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), -5)), CommitOutcome.Success), DiagnosticKind.StaleCommitResult);
        h.ApplyIgnored(new GroupEvent.CommitCompleted(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 1_000)), CommitOutcome.Success), DiagnosticKind.StaleCommitResult);

        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        h.Tick(5_000);
        h.ApplyIgnored(new GroupEvent.CommitCompleted(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 6)), CommitOutcome.Success), DiagnosticKind.StaleCommitResult);
        Assert.Empty(h.State.CommittedOffsets("orders"));
    }

    [Fact]
    public void The_largest_offset_that_still_has_a_next_offset_is_good_input_everywhere_and_the_one_after_it_is_refused()
    {
        const long largest = long.MaxValue - 1;
        var h = new Harness(Configs.Default(directAck: true));
        var start = Assert.Single(h.Assign(1, ("orders", 0, largest)).OfType<GroupEffect.StartWorker>());
        Assert.Equal(StartPosition.At(largest), start.Position);

        h.ApplyIgnored(new GroupEvent.MessagesDelivered(start.Worker, largest, long.MaxValue), DiagnosticKind.IgnoredEvent);
        Assert.Empty(h.Deliver("orders", 0, largest, largest));
        var commit = Assert.Single(h.Ack("orders", 0, 1, largest).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(long.MaxValue, Assert.Single(commit.Offsets).NextOffset);

        var latest = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Latest } });
        latest.Assign(1, ("orders", 0, null));
        var worker = latest.WorkerOf("orders", 0);
        latest.ApplyIgnored(new GroupEvent.WorkerPositioned(worker, long.MaxValue), DiagnosticKind.UnexpectedPosition);
        Assert.Single(latest.Apply(new GroupEvent.WorkerPositioned(worker, largest)).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(largest, latest.State.Partitions[Tp("orders", 0)].RestartFloorOffset);
    }

    private static Harness RunningOrders0()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        return h;
    }

    [Fact]
    public void A_missing_configuration_state_or_event_is_refused_by_name_not_with_a_null_reference()
    {
        Assert.Equal("config", Assert.Throws<ArgumentNullException>(() => new GroupMachine(null!)).ParamName);
        var machine = new GroupMachine(new GroupConfig { Group = "g", Topics = ValueList.Of("orders") });
        Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => machine.Step(null!, new GroupEvent.Tick(0))).ParamName);
        Assert.Equal("@event", Assert.Throws<ArgumentNullException>(() => machine.Step(GroupState.Initial, null!)).ParamName);
    }
}
