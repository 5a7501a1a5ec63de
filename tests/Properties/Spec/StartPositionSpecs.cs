using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>A start position is resolved exactly once: a symbolic start (earliest, latest, an offset reset) becomes a
/// concrete offset when the worker reports where it landed, before any user code can fail, and that offset is the
/// partition's restart floor. Elsa 0.10 resolved <c>:latest</c> again at every restart and skipped what arrived in between
/// (Elsa #90).</summary>
public sealed class StartPositionSpecs
{
    private static readonly ExitReason Crash = ExitReason.Crashed("handler raised");

    private static GroupConfig Begin(StartPosition begin, OffsetResetPolicy reset = OffsetResetPolicy.ResetToEarliest) =>
        Configs.Default() with { Config = new ElsaConsumerConfig { BeginOffset = begin, OffsetResetPolicy = reset } };

    [Fact]
    public void Symbolic_start_is_resolved_by_the_workers_position_report_and_becomes_the_restart_floor()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        var start = Assert.Single(h.Assign(1, ("orders", 0, null)).OfType<GroupEffect.StartWorker>());
        Assert.Equal(StartPosition.Latest, start.Position);
        Assert.Null(h.State.Partitions[Tp("orders", 0)].RestartFloorOffset);

        h.Apply(new GroupEvent.WorkerPositioned(start.Worker, 100));

        Assert.Equal(100, h.State.Partitions[Tp("orders", 0)].RestartFloorOffset);
    }

    [Fact]
    public void Crash_before_the_first_delivery_with_latest_restarts_at_the_resolved_offset_not_at_latest()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.WorkerPositioned(worker, 100));

        h.Apply(new GroupEvent.WorkerExited(worker, Crash));
        var restart = Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.At(100), restart.Position);
    }

    [Fact]
    public void Worker_whose_handler_fails_to_start_with_latest_restarts_at_the_resolved_offset_every_time()
    {
        // The handler's constructor or InitAsync throws: the worker ends before any delivery, after it reported its position.
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        h.Apply(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 100));

        long nowMs = 0;
        foreach (var backoffMs in new long[] { 100, 200 })
        {
            h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), ExitReason.Crashed("InvalidOperationException: handler constructor threw")));
            nowMs += backoffMs;
            Assert.Equal(StartPosition.At(100), Assert.Single(h.Tick(nowMs).OfType<GroupEffect.StartWorker>()).Position);
        }
    }

    [Fact]
    public void Crash_after_a_reset_to_latest_restarts_at_where_the_reset_landed_not_at_latest()
    {
        var h = new Harness(Begin(StartPosition.Earliest, OffsetResetPolicy.ResetToLatest));
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 10, 20);
        h.Ack("orders", 0, 1, 15);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, 21));
        h.Apply(new GroupEvent.WorkerStopped(worker));
        var resetWorker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.WorkerPositioned(resetWorker, 500));

        h.Apply(new GroupEvent.WorkerExited(resetWorker, Crash));
        var restart = Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.At(500), restart.Position);
    }

    [Fact]
    public void Crash_after_a_reset_to_earliest_restarts_at_where_the_reset_landed_not_at_earliest()
    {
        var h = new Harness(Begin(StartPosition.Earliest, OffsetResetPolicy.ResetToEarliest));
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 10, 20);
        h.Ack("orders", 0, 1, 15);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, 21));
        h.Apply(new GroupEvent.WorkerStopped(worker));
        var resetWorker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.WorkerPositioned(resetWorker, 300));

        h.Apply(new GroupEvent.WorkerExited(resetWorker, Crash));
        var restart = Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.At(300), restart.Position);
    }

    [Fact]
    public void Restart_after_acks_goes_to_the_last_ack_plus_one_and_never_below_the_floor()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.WorkerPositioned(worker, 100));
        h.Deliver("orders", 0, 100, 110);
        h.Ack("orders", 0, 1, 104);

        h.Apply(new GroupEvent.WorkerExited(worker, Crash));

        Assert.Equal(StartPosition.At(105), Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>()).Position);
    }

    [Fact]
    public void Resolved_latest_is_committed_at_once_so_a_later_owner_does_not_resolve_latest_again()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));

        var positioned = h.Apply(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 100));

        var commit = Assert.Single(positioned.OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(new PartitionOffset(Tp("orders", 0), 100), Assert.Single(commit.Offsets));
    }

    [Fact]
    public void Latest_resolved_on_an_empty_partition_commits_offset_0_within_the_invariants()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));

        // The harness checks every step against the invariants: a commit of 0 from a floor of 0 is within them.
        var commit = Assert.Single(h.Apply(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 0)).OfType<GroupEffect.CommitOffsets>());

        Assert.Equal(new PartitionOffset(Tp("orders", 0), 0), Assert.Single(commit.Offsets));
    }

    [Fact]
    public void An_offset_sent_and_not_yet_answered_is_not_sent_again_at_the_next_interval()
    {
        var h = new Harness(Begin(StartPosition.Earliest));
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 9);
        Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());

        Assert.Empty(h.Tick(10_000).OfType<GroupEffect.CommitOffsets>());
    }

    [Fact]
    public void Resolved_earliest_is_not_committed_by_itself()
    {
        var h = new Harness(Begin(StartPosition.Earliest));
        h.Assign(1, ("orders", 0, null));

        Assert.Empty(h.Apply(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 7)));
        Assert.Empty(h.Tick(5_000));
    }

    [Fact]
    public void First_delivery_fixes_the_floor_when_the_worker_never_reported_its_position()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 100, 110);

        h.Apply(new GroupEvent.WorkerExited(worker, Crash));

        Assert.Equal(StartPosition.At(100), Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>()).Position);
    }

    [Fact]
    public void A_later_delivery_never_moves_the_restart_floor()
    {
        // Until this spec only the model test caught a machine that let a later delivery overwrite where the first one
        // started, so that a restart with nothing acked skipped the first batch.
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 100, 110);
        h.Deliver("orders", 0, 111, 120);
        h.Deliver("orders", 0, 130, 140);

        Assert.Equal(100, h.State.Partitions[Tp("orders", 0)].RestartFloorOffset);
        h.Apply(new GroupEvent.WorkerExited(worker, Crash));
        Assert.Equal(StartPosition.At(100), Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>()).Position);
    }

    [Fact]
    public void Position_report_of_a_worker_that_started_at_an_explicit_offset_is_ignored()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, 42));

        var ignored = h.ApplyIgnored(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 90), DiagnosticKind.UnexpectedPosition);

        var diagnostic = Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(ignored));
        Assert.Equal((Tp("orders", 0), 90L), (Assert.Single(diagnostic.Partitions), diagnostic.Offset));
    }

    [Fact]
    public void Second_position_report_of_a_worker_is_ignored()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.WorkerPositioned(worker, 100));

        h.ApplyIgnored(new GroupEvent.WorkerPositioned(worker, 200), DiagnosticKind.UnexpectedPosition);
    }

    [Fact]
    public void Position_report_with_a_negative_offset_is_ignored()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));

        h.ApplyIgnored(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), -1), DiagnosticKind.UnexpectedPosition);
    }

    [Fact]
    public void Position_report_from_a_stopping_or_dead_worker_is_ignored()
    {
        var h = new Harness(Begin(StartPosition.Latest));
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All));

        h.ApplyIgnored(new GroupEvent.WorkerPositioned(worker, 100), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.WorkerPositioned(new WorkerId(99), 100), DiagnosticKind.UnknownWorker);
    }
}
