using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Worker crashes: restart where the last ack left off (never skipping), after a backoff that ticks drive, within a
/// restart budget, then the configured policy.</summary>
public sealed class CrashRestartSpecs
{
    private static readonly ExitReason Crash = ExitReason.Crashed("handler raised");

    [Fact]
    public void Crashed_worker_restarts_after_the_backoff_at_the_last_ack_plus_one()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 42));
        var crashed = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 42, 50);
        h.Ack("orders", 0, 1, 45);

        var exited = h.Apply(new GroupEvent.WorkerExited(crashed, Crash));
        Assert.Equal(DiagnosticKind.WorkerCrashed, Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(exited)).Kind);
        Assert.Empty(h.Tick(99));

        var restarted = h.Tick(100);

        Assert.Equal(new GroupEffect[] { new GroupEffect.StartWorker(new WorkerId(2), Tp("orders", 0), 1, StartPosition.At(46)) }, restarted);
    }

    [Fact]
    public void Crashed_worker_that_acked_nothing_restarts_at_the_first_delivered_offset_not_at_latest()
    {
        var h = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Latest } });
        var first = Assert.Single(h.Assign(1, ("orders", 0, null)).OfType<GroupEffect.StartWorker>());
        Assert.Equal(StartPosition.Latest, first.Position);
        h.Deliver("orders", 0, 100, 110);

        h.Apply(new GroupEvent.WorkerExited(first.Worker, Crash));
        var restart = Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.At(100), restart.Position);
    }

    [Fact]
    public void Crashed_worker_that_received_nothing_restarts_at_the_offset_the_partition_was_assigned_at()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 42));

        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
        var restart = Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.At(42), restart.Position);
    }

    [Fact]
    public void Worker_that_ends_normally_is_restarted_like_a_crashed_one()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 42));
        h.Deliver("orders", 0, 42, 43);
        h.Ack("orders", 0, 1, 43);

        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), ExitReason.Normal));
        var restart = Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>());

        Assert.Equal(StartPosition.At(44), restart.Position);
    }

    [Fact]
    public void Exit_message_from_a_dead_worker_id_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var dead = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.WorkerExited(dead, Crash));
        h.Tick(100);
        var successor = h.WorkerOf("orders", 0);

        h.ApplyIgnored(new GroupEvent.WorkerExited(dead, Crash), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.WorkerExited(dead, ExitReason.Normal), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.WorkerStopped(dead), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.OffsetOutOfRange(dead, 0), DiagnosticKind.UnknownWorker);
        h.ApplyIgnored(new GroupEvent.MessagesDelivered(dead, 0, 5), DiagnosticKind.UnknownWorker);

        Assert.NotEqual(dead, successor);
        Assert.Equal(successor, h.WorkerOf("orders", 0));
    }

    [Fact]
    public void Restart_backoff_doubles_with_each_restart_in_the_window_and_is_driven_by_ticks()
    {
        var config = Configs.Default();
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));

        long nowMs = 0;
        foreach (var backoffMs in new long[] { 100, 200, 400 })
        {
            h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
            var dueMs = nowMs + backoffMs;
            Assert.Equal(dueMs, h.State.NextDeadlineMs(config));
            Assert.Empty(h.Tick(dueMs - 1));
            Assert.Single(h.Tick(dueMs).OfType<GroupEffect.StartWorker>());
            nowMs = dueMs;
        }
    }

    [Fact]
    public void Restart_backoff_never_exceeds_the_configured_maximum()
    {
        var config = Configs.Default() with { Restart = new RestartConfig { BackoffMs = 100, MaxBackoffMs = 150, MaxRestarts = 10 } };
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
        h.Tick(100);

        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));

        Assert.Equal(250, h.State.NextDeadlineMs(config));
    }

    [Fact]
    public void Crash_loop_spends_the_restart_budget_then_fails_the_group()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        var healthy = h.WorkerOf("orders", 1);
        CrashThreeTimesAndRestart(h);

        var failed = h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));

        Assert.Equal(new GroupEffect.StopWorker(healthy), failed[0]);
        var fail = Assert.IsType<GroupEffect.Fail>(Assert.Single(failed, e => e is GroupEffect.Fail));
        Assert.Contains("orders/0", fail.Reason, StringComparison.Ordinal);
        Assert.Equal(ManagerPhase.Failed, h.State.Phase);
        h.ConfirmStops(failed);
        var startsBefore = h.History.OfType<GroupEffect.StartWorker>().Count();
        h.Tick(60_000);
        Assert.Equal(startsBefore, h.History.OfType<GroupEffect.StartWorker>().Count());
        Assert.Empty(h.State.Workers);
    }

    [Fact]
    public void Crash_loop_spends_the_restart_budget_then_parks_only_that_partition_until_it_is_reassigned()
    {
        var h = new Harness(Configs.Default() with { Restart = new RestartConfig { WhenExhausted = RestartExhaustedPolicy.ParkPartition } });
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        var healthy = h.WorkerOf("orders", 1);
        CrashThreeTimesAndRestart(h);

        var parked = h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));

        Assert.Equal(DiagnosticKind.PartitionParked, Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(parked)).Kind);
        Assert.Equal(PartitionPhase.Parked, h.State.Partitions[Tp("orders", 0)].Phase);
        Assert.Equal(ManagerPhase.Active, h.State.Phase);
        Assert.DoesNotContain(h.Tick(2_000), e => e is GroupEffect.StartWorker);

        h.Deliver("orders", 1, 0, 9);
        h.Ack("orders", 1, 1, 9);
        var commit = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(Tp("orders", 1), Assert.Single(commit.Offsets).Partition);
        Assert.Equal(healthy, h.WorkerOf("orders", 1));

        var reassigned = h.Assign(2, ("orders", 0, null));
        Assert.Equal(Tp("orders", 0), Assert.Single(reassigned.OfType<GroupEffect.StartWorker>()).Partition);
    }

    [Fact]
    public void Restarts_older_than_the_window_no_longer_count_against_the_budget()
    {
        var config = Configs.Default() with { Restart = new RestartConfig { MaxRestarts = 1, WithinMs = 1_000 } };
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
        h.Tick(100);
        h.Tick(2_000);

        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));

        Assert.Equal(ManagerPhase.Active, h.State.Phase);
        Assert.Equal(2_100, h.State.NextDeadlineMs(config));
        Assert.Single(h.Tick(2_100).OfType<GroupEffect.StartWorker>());
    }

    [Theory]
    [InlineData(999, ManagerPhase.Failed)]
    [InlineData(1_000, ManagerPhase.Active)]
    public void An_earlier_crash_counts_against_the_budget_until_exactly_one_window_has_passed(long secondCrashMs, ManagerPhase expected)
    {
        var config = Configs.Default() with { Restart = new RestartConfig { MaxRestarts = 1, WithinMs = 1_000 } };
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
        h.Tick(100);
        h.Tick(secondCrashMs);

        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));

        Assert.Equal(expected, h.State.Phase);
    }

    [Fact]
    public void Failed_manager_asks_for_no_more_ticks()
    {
        var config = Configs.Default() with { Restart = new RestartConfig { MaxRestarts = 1 } };
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
        h.Tick(100);
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 1), Crash));

        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));

        Assert.Equal(ManagerPhase.Failed, h.State.Phase);
        Assert.Null(h.State.NextDeadlineMs(config));
    }

    [Fact]
    public void Restart_that_falls_due_during_an_assignment_callback_starts_when_the_callback_returns()
    {
        var config = Configs.Default();
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
        var invoked = h.Receive(2, ("orders", 1, null));

        Assert.Empty(h.Tick(100));
        Assert.Null(h.State.NextDeadlineMs(config));
        var started = h.AnswerCallbacks(invoked);

        Assert.Equal(
            new[] { Tp("orders", 0), Tp("orders", 1) },
            started.OfType<GroupEffect.StartWorker>().Select(s => s.Partition));
    }

    /// <summary>Crashes orders/0's worker three times (the default budget), letting each restart happen, from time 0.</summary>
    private static void CrashThreeTimesAndRestart(Harness h)
    {
        long nowMs = 0;
        foreach (var backoffMs in new long[] { 100, 200, 400 })
        {
            h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), Crash));
            nowMs += backoffMs;
            Assert.Single(h.Tick(nowMs).OfType<GroupEffect.StartWorker>());
        }
    }
}
