using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.DiagnosticFacts;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Diagnostics are behaviour where users read them: metrics, health checks and logs group them by kind and name
/// the partition, generation, worker and offsets they are about. One spec per <see cref="DiagnosticKind"/> checks the
/// kind and every typed fact at each place the machine emits it (a fact it does not name must be absent), and that it
/// has a detail; never the detail's wording.</summary>
public sealed class DiagnosticSpecs
{
    private static readonly TopicPartitionId Orders0 = Tp("orders", 0);
    private static readonly TopicPartitionId Orders1 = Tp("orders", 1);
    private static readonly ExitReason Crash = ExitReason.Crashed("handler raised");

    [Fact]
    public void Stale_ack_names_the_partition_the_generation_the_ack_carried_and_its_offset()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.ConfirmStops(h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All)));
        h.Assign(2, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);

        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 5), DiagnosticKind.StaleAck)), DiagnosticKind.StaleAck, [Orders0], generation: 1, offset: 5);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 3, 6), DiagnosticKind.StaleAck)), DiagnosticKind.StaleAck, [Orders0], generation: 3, offset: 6);

        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.AssignmentsLost(PartitionSelection.All));
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 2, 7), DiagnosticKind.StaleAck)), DiagnosticKind.StaleAck, [Orders0], generation: 2, offset: 7);

        h.Apply(new GroupEvent.WorkerStopped(worker));
        Assert.Equal(ManagerPhase.Idle, h.State.Phase);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 2, 8), DiagnosticKind.StaleAck)), DiagnosticKind.StaleAck, [Orders0], generation: 2, offset: 8);
    }

    [Fact]
    public void Invalid_ack_names_the_partition_the_generation_and_the_offset_it_refused()
    {
        var h = Running();
        h.Deliver("orders", 0, 0, 4);

        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, -1), DiagnosticKind.InvalidAck)), DiagnosticKind.InvalidAck, [Orders0], generation: 1, offset: -1);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, long.MaxValue), DiagnosticKind.InvalidAck)), DiagnosticKind.InvalidAck, [Orders0], generation: 1, offset: long.MaxValue);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 9, 1, 0), DiagnosticKind.InvalidAck)), DiagnosticKind.InvalidAck, [Tp("orders", 9)], generation: 1, offset: 0);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 5), DiagnosticKind.InvalidAck)), DiagnosticKind.InvalidAck, [Orders0], generation: 1, offset: 5);
    }

    [Fact]
    public void Ack_not_ahead_names_the_partition_the_generation_and_the_offset_that_was_behind()
    {
        var h = Running();
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 7);

        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 3), DiagnosticKind.AckNotAhead)), DiagnosticKind.AckNotAhead, [Orders0], generation: 1, offset: 3);
    }

    [Fact]
    public void Unknown_worker_names_the_worker_and_the_offset_its_message_carried_and_tells_a_stop_from_an_exit()
    {
        var h = Running();
        var stranger = new WorkerId(99);

        var stop = AssertFacts(Single(h.ApplyIgnored(new GroupEvent.WorkerStopped(stranger), DiagnosticKind.UnknownWorker)), DiagnosticKind.UnknownWorker, worker: stranger);
        var exit = AssertFacts(Single(h.ApplyIgnored(new GroupEvent.WorkerExited(stranger, Crash), DiagnosticKind.UnknownWorker)), DiagnosticKind.UnknownWorker, worker: stranger);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.OffsetOutOfRange(stranger, 12), DiagnosticKind.UnknownWorker)), DiagnosticKind.UnknownWorker, worker: stranger, offset: 12);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.WorkerPositioned(stranger, 13), DiagnosticKind.UnknownWorker)), DiagnosticKind.UnknownWorker, worker: stranger, offset: 13);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.MessagesDelivered(stranger, 14, 20), DiagnosticKind.UnknownWorker)), DiagnosticKind.UnknownWorker, worker: stranger, offset: 14);

        // Someone reading the log must tell a stop confirmation from an exit of their own.
        Assert.NotEqual(stop.Detail, exit.Detail);

        // A stopping worker of the previous ownership is known, but no longer serves the partition.
        var old = h.WorkerOf("orders", 0);
        h.AnswerCallbacks(h.Receive(2, ("orders", 0, 0)));
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.MessagesDelivered(old, 50, 60), DiagnosticKind.UnknownWorker)), DiagnosticKind.UnknownWorker, [Orders0], worker: old, offset: 50);
    }

    [Fact]
    public void Stale_callback_names_the_partition_and_the_generation_of_the_result_nobody_awaited()
    {
        var h = Running();
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.AssignmentHandlerReturned(Orders0, 1, CallbackOutcome.Ok), DiagnosticKind.StaleCallback)), DiagnosticKind.StaleCallback, [Orders0], generation: 1);

        h.Receive(2, ("orders", 1, null));
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.AssignmentHandlerReturned(Orders1, 1, CallbackOutcome.Ok), DiagnosticKind.StaleCallback)), DiagnosticKind.StaleCallback, [Orders1], generation: 1);
    }

    [Fact]
    public void Stale_commit_result_names_its_generation_and_the_partitions_in_the_order_the_result_named_them()
    {
        var h = Running(("orders", 0, null), ("orders", 1, null));
        var neverSent = ValueList.Of(new PartitionOffset(Orders1, 3), new PartitionOffset(Orders0, 6));

        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.CommitCompleted(1, neverSent, CommitOutcome.Success), DiagnosticKind.StaleCommitResult)),
            DiagnosticKind.StaleCommitResult, [Orders1, Orders0], generation: 1);

        // Sent by the previous ownership of orders/0: it settles its commit, but names orders/0 as no longer owned.
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        h.Assign(2, ("orders", 0, null));
        AssertFacts(Single(h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success))), DiagnosticKind.StaleCommitResult, [Orders0], generation: 1);
    }

    [Fact]
    public void Commit_retry_names_the_generation_and_every_partition_that_will_be_sent_again()
    {
        var (h, sent) = BothPartitionsCommitted();

        var failed = h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.RetriableError));

        AssertFacts(Assert.Single(failed), DiagnosticKind.CommitRetry, [Orders0, Orders1], generation: 1);
    }

    [Fact]
    public void Commit_fenced_names_the_generation_and_every_partition_whose_commit_was_refused()
    {
        var (h, sent) = BothPartitionsCommitted();

        var fenced = h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Fenced));

        AssertFacts(Assert.Single(fenced), DiagnosticKind.CommitFenced, [Orders0, Orders1], generation: 1);
    }

    [Fact]
    public void Invalid_assignment_names_the_generation_and_the_partition_and_committed_offset_it_refused()
    {
        var h = new Harness();

        var received = h.Receive(
            1,
            ("orders", 0, null), ("orders", 0, 5), ("orders", -1, null), ("", 0, null),
            ("orders", 2, -3), ("orders", 3, long.MaxValue), ("orders", 4, long.MaxValue - 1), ("orders", 5, 0));

        Assert.Collection(
            received,
            e => AssertFacts(e, DiagnosticKind.InvalidAssignment, [Tp("", 0)], generation: 1),
            e => AssertFacts(e, DiagnosticKind.InvalidAssignment, [Tp("orders", -1)], generation: 1),
            e => AssertFacts(e, DiagnosticKind.InvalidAssignment, [Orders0], generation: 1),
            e => AssertFacts(e, DiagnosticKind.InvalidAssignment, [Tp("orders", 2)], generation: 1, offset: -3),
            e => AssertFacts(e, DiagnosticKind.InvalidAssignment, [Tp("orders", 3)], generation: 1, offset: long.MaxValue),
            e => Assert.Equal(new GroupEffect.InvokeAssignmentReceived(Orders0, 1), e));
        Assert.Equal(
            new long?[] { null, null, null, long.MaxValue - 1, 0 },
            h.State.Partitions.Values.Select(p => p.CommittedOffset));

        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.AssignmentsReceived("member-1", 1, ValueList.Of(new Assignment(Orders1, null))), DiagnosticKind.InvalidAssignment)),
            DiagnosticKind.InvalidAssignment, generation: 1);
    }

    [Fact]
    public void Unknown_partition_names_the_partition_revoked_or_lost_that_this_member_does_not_own()
    {
        var h = Running();

        AssertFacts(Single(h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("payments", 5)))))), DiagnosticKind.UnknownPartition, [Tp("payments", 5)]);
        AssertFacts(Single(h.Apply(new GroupEvent.AssignmentsLost(PartitionSelection.Only(ValueList.Of(Tp("orders", 7)))))), DiagnosticKind.UnknownPartition, [Tp("orders", 7)]);
    }

    [Fact]
    public void Worker_crashed_names_the_partition_the_worker_and_the_offset_it_restarts_at()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 42));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 42, 50);
        h.Ack("orders", 0, 1, 45);

        AssertFacts(Assert.Single(h.Apply(new GroupEvent.WorkerExited(worker, Crash))), DiagnosticKind.WorkerCrashed, [Orders0], worker: worker, offset: 46);

        // A symbolic start nobody resolved yet restarts where it was assigned: there is no offset to name.
        var latest = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Latest } });
        latest.Assign(1, ("orders", 0, null));
        var unresolved = latest.WorkerOf("orders", 0);
        AssertFacts(Assert.Single(latest.Apply(new GroupEvent.WorkerExited(unresolved, ExitReason.Normal))), DiagnosticKind.WorkerCrashed, [Orders0], worker: unresolved);
    }

    [Fact]
    public void Partition_parked_names_the_partition_and_the_worker_that_spent_the_budget()
    {
        var h = new Harness(Configs.Default() with { Restart = new RestartConfig { MaxRestarts = 0, WhenExhausted = RestartExhaustedPolicy.ParkPartition } });
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);

        AssertFacts(Assert.Single(h.Apply(new GroupEvent.WorkerExited(worker, Crash))), DiagnosticKind.PartitionParked, [Orders0], worker: worker);
    }

    [Fact]
    public void Offset_out_of_range_names_the_partition_the_worker_and_the_position_the_broker_refused()
    {
        var h = Running(("orders", 0, 10));

        OutOfRange(h, 21, named: 21);
        OutOfRange(h, long.MaxValue - 1, named: long.MaxValue - 1);

        // A position the client did not say, or one that cannot be an offset, is not named.
        OutOfRange(h, -1, named: null);
        OutOfRange(h, long.MaxValue, named: null);
    }

    [Fact]
    public void Offset_reset_names_where_the_reset_landed_and_how_many_offsets_it_skipped()
    {
        var h = Running(("orders", 0, 10));

        var ahead = ResetAndLand(h, from: 10, landed: 250);
        AssertFacts(ahead.Diagnostic, DiagnosticKind.OffsetReset, [Orders0], worker: ahead.Worker, offset: 250, skipped: 240);

        var back = ResetAndLand(h, from: 500, landed: 40);
        AssertFacts(back.Diagnostic, DiagnosticKind.OffsetReset, [Orders0], worker: back.Worker, offset: 40, skipped: 0);

        var unknown = ResetAndLand(h, from: -1, landed: 45);
        AssertFacts(unknown.Diagnostic, DiagnosticKind.OffsetReset, [Orders0], worker: unknown.Worker, offset: 45);
    }

    [Fact]
    public void Unexpected_position_names_the_partition_the_worker_and_the_offset_it_reported()
    {
        var explicitStart = Running(("orders", 0, 42));
        var worker = explicitStart.WorkerOf("orders", 0);
        AssertFacts(Single(explicitStart.ApplyIgnored(new GroupEvent.WorkerPositioned(worker, 90), DiagnosticKind.UnexpectedPosition)),
            DiagnosticKind.UnexpectedPosition, [Orders0], worker: worker, offset: 90);

        var latest = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Latest } });
        latest.Assign(1, ("orders", 0, null));
        var unresolved = latest.WorkerOf("orders", 0);
        AssertFacts(Single(latest.ApplyIgnored(new GroupEvent.WorkerPositioned(unresolved, -1), DiagnosticKind.UnexpectedPosition)),
            DiagnosticKind.UnexpectedPosition, [Orders0], worker: unresolved, offset: -1);
        AssertFacts(Single(latest.ApplyIgnored(new GroupEvent.WorkerPositioned(unresolved, long.MaxValue), DiagnosticKind.UnexpectedPosition)),
            DiagnosticKind.UnexpectedPosition, [Orders0], worker: unresolved, offset: long.MaxValue);
    }

    [Fact]
    public void Ignored_event_names_what_the_event_carried()
    {
        var h = Running();
        var worker = h.WorkerOf("orders", 0);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.MessagesDelivered(worker, 9, 3), DiagnosticKind.IgnoredEvent)), DiagnosticKind.IgnoredEvent, [Orders0], worker: worker, offset: 9);

        // An outcome the machine does not know is a host's bug: named, then taken as a retriable failure.
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Collection(
            h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, (CommitOutcome)7)),
            e => AssertFacts(e, DiagnosticKind.IgnoredEvent, [Orders0], generation: 1),
            e => AssertFacts(e, DiagnosticKind.CommitRetry, [Orders0], generation: 1));

        h.Apply(new GroupEvent.ShutdownRequested());
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.ShutdownRequested(), DiagnosticKind.IgnoredEvent)), DiagnosticKind.IgnoredEvent);
        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.AssignmentsReceived("member-1", 2, ValueList.Of(new Assignment(Orders1, null))), DiagnosticKind.IgnoredEvent)),
            DiagnosticKind.IgnoredEvent, generation: 2);
    }

    [Fact]
    public void Time_went_backwards_names_the_time_of_the_late_tick()
    {
        var h = Running();
        h.Tick(1_000);

        AssertFacts(Single(h.ApplyIgnored(new GroupEvent.Tick(999), DiagnosticKind.TimeWentBackwards)), DiagnosticKind.TimeWentBackwards, offset: 999);
    }

    private static Harness Running(params (string Topic, int Partition, long? Committed)[] partitions)
    {
        var h = new Harness();
        h.Assign(1, partitions.Length == 0 ? [("orders", 0, null)] : partitions);
        return h;
    }

    /// <summary>orders/0 and orders/1 acked and sent in one commit in generation 1.</summary>
    private static (Harness Harness, GroupEffect.CommitOffsets Sent) BothPartitionsCommitted()
    {
        var h = Running(("orders", 0, null), ("orders", 1, null));
        h.Deliver("orders", 0, 0, 9);
        h.Deliver("orders", 1, 0, 9);
        h.Ack("orders", 0, 1, 4);
        h.Ack("orders", 1, 1, 6);
        return (h, Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>()));
    }

    /// <summary>orders/0's live worker is out of range at <paramref name="position"/>, which the diagnostic names as
    /// <paramref name="named"/>; its successor starts once it stopped.</summary>
    private static void OutOfRange(Harness h, long position, long? named)
    {
        var worker = h.WorkerOf("orders", 0);
        var effects = h.Apply(new GroupEvent.OffsetOutOfRange(worker, position));
        AssertFacts(Single(effects), DiagnosticKind.OffsetOutOfRange, [Orders0], worker: worker, offset: named);
        h.ConfirmStops(effects);
    }

    private static (GroupEffect.Diagnostic Diagnostic, WorkerId Worker) ResetAndLand(Harness h, long from, long landed)
    {
        var outOfRange = h.WorkerOf("orders", 0);
        h.ConfirmStops(h.Apply(new GroupEvent.OffsetOutOfRange(outOfRange, from)));
        var worker = h.WorkerOf("orders", 0);
        return (Single(h.Apply(new GroupEvent.WorkerPositioned(worker, landed))), worker);
    }
}
