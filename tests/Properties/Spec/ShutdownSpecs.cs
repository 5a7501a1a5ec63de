using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Shutdown: stop every worker, commit what was acked (acks that arrive meanwhile included), then complete.</summary>
public sealed class ShutdownSpecs
{
    private static readonly GroupEvent Shutdown = new GroupEvent.ShutdownRequested();

    [Fact]
    public void Shutdown_stops_workers_then_commits_their_acks_and_completes()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        var (w0, w1) = (h.WorkerOf("orders", 0), h.WorkerOf("orders", 1));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);

        Assert.Equal(new GroupEffect[] { new GroupEffect.StopWorker(w0), new GroupEffect.StopWorker(w1) }, h.Apply(Shutdown));
        Assert.Equal(ManagerPhase.ShuttingDown, h.State.Phase);
        Assert.Empty(h.Ack("orders", 0, 1, 9));
        Assert.Empty(h.Apply(new GroupEvent.WorkerStopped(w0)));

        var done = h.Apply(new GroupEvent.WorkerStopped(w1));

        Assert.Equal(
            new GroupEffect[]
            {
                new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 10))),
                new GroupEffect.CompleteShutdown(),
            },
            done);
        Assert.Equal(ManagerPhase.Stopped, h.State.Phase);
    }

    // The shutdown's commit is its acks' last chance, as a revocation's is (RevocationSpecs, seed 6150): a commit fenced
    // earlier in the generation does not stop it; the client stamps it with the generation it is in by then.
    [Fact]
    public void Shutdown_commits_its_acks_even_after_a_fenced_commit_in_its_generation()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Fenced));
        h.Ack("orders", 0, 1, 7);

        h.Apply(Shutdown);
        var done = h.Apply(new GroupEvent.WorkerStopped(worker));

        Assert.Equal(
            new GroupEffect[]
            {
                new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 8))),
                new GroupEffect.CompleteShutdown(),
            },
            done);
    }

    [Fact]
    public void Stopped_manager_completes_a_later_revocation_without_committing_or_calling_the_handler()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        h.Apply(Shutdown);
        var final = Assert.Single(h.Apply(new GroupEvent.WorkerStopped(worker)).OfType<GroupEffect.CommitOffsets>());
        h.Apply(new GroupEvent.CommitCompleted(1, final.Offsets, CommitOutcome.RetriableError));

        var revoked = h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All));

        Assert.Equal(new GroupEffect[] { new GroupEffect.CompleteRevocation(ValueList.Of(Tp("orders", 0))) }, revoked);
    }

    [Fact]
    public void Shutdown_with_no_worker_running_completes_at_once()
    {
        var h = new Harness();

        Assert.Equal(new GroupEffect[] { new GroupEffect.CompleteShutdown() }, h.Apply(Shutdown));
        Assert.Equal(ManagerPhase.Stopped, h.State.Phase);
    }

    [Fact]
    public void Worker_that_crashes_while_shutting_down_counts_as_stopped_and_is_not_restarted()
    {
        var config = Configs.Default();
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(Shutdown);

        var done = h.Apply(new GroupEvent.WorkerExited(worker, ExitReason.Crashed("interrupted")));

        Assert.Equal(new GroupEffect[] { new GroupEffect.CompleteShutdown() }, done);
        Assert.DoesNotContain(h.Tick(1_000), e => e is GroupEffect.StartWorker);
    }

    [Fact]
    public void Shutdown_cancels_a_pending_restart()
    {
        var config = Configs.Default();
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), ExitReason.Crashed("boom")));

        Assert.Equal(new GroupEffect[] { new GroupEffect.CompleteShutdown() }, h.Apply(Shutdown));

        Assert.Null(h.State.NextDeadlineMs(config));
        Assert.DoesNotContain(h.Tick(100), e => e is GroupEffect.StartWorker);
    }

    [Fact]
    public void Stopped_manager_ignores_later_acks_assignments_and_shutdowns()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.ConfirmStops(h.Apply(Shutdown));

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 9), DiagnosticKind.StaleAck);
        h.ApplyIgnored(new GroupEvent.AssignmentsReceived("member-1", 2, ValueList.Of(new Assignment(Tp("orders", 1), null))), DiagnosticKind.IgnoredEvent);
        h.ApplyIgnored(Shutdown, DiagnosticKind.IgnoredEvent);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
    }
}
