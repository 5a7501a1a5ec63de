using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Assignments revoked (an orderly rebalance: acks are committed) and lost (fenced: nothing is committed).</summary>
public sealed class RevocationSpecs
{
    private static readonly GroupEvent RevokeAll = new GroupEvent.AssignmentsRevoked(PartitionSelection.All);

    /// <summary>How a revocation of one partition completes in generation 1: its acks committed up to
    /// <paramref name="next"/>, then the revoked handler, then the completion (brod PR #351's order).</summary>
    private static GroupEffect[] CommittedThenRevoked(TopicPartitionId partition, long next)
    {
        var revoked = ValueList.Of(partition);
        return
        [
            new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(partition, next))),
            new GroupEffect.InvokeAssignmentsRevoked(revoked),
            new GroupEffect.CompleteRevocation(revoked),
        ];
    }

    [Fact]
    public void Revocation_stops_workers_then_commits_their_acks_calls_the_revoked_handler_and_completes()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        var (w0, w1) = (h.WorkerOf("orders", 0), h.WorkerOf("orders", 1));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);

        var revoking = h.Apply(RevokeAll);
        Assert.Equal(new GroupEffect[] { new GroupEffect.StopWorker(w0), new GroupEffect.StopWorker(w1) }, revoking);
        Assert.Empty(h.Apply(new GroupEvent.WorkerStopped(w0)));

        var done = h.Apply(new GroupEvent.WorkerStopped(w1));

        var both = ValueList.Of(Tp("orders", 0), Tp("orders", 1));
        Assert.Equal(
            new GroupEffect[]
            {
                new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 5))),
                new GroupEffect.InvokeAssignmentsRevoked(both),
                new GroupEffect.CompleteRevocation(both),
            },
            done);
        Assert.Empty(h.State.Partitions);
        Assert.Equal(ManagerPhase.Idle, h.State.Phase);
        Assert.Null(h.State.GenerationId);
    }

    // Found by the simulator (seed 6150 of 24,000, cooperative, direct_ack, shrunk to two graceful restarts): a commit of
    // the old generation was fenced while the rebalance was under way, and the machine then committed nothing at all, so
    // the acks of the partitions it was revoking were never sent, though the client, already in the new generation,
    // would have had them accepted. A revocation's commit is the last chance for its acks: it is always sent.
    [Fact]
    public void Revocation_commits_the_revoked_partitions_acks_even_after_a_fenced_commit_in_its_generation()
    {
        var h = new Harness(Configs.Default(directAck: true));
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        var worker = h.WorkerOf("orders", 1);
        h.Deliver("orders", 0, 0, 9);
        h.Deliver("orders", 1, 0, 9);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Ack("orders", 0, 1, 4)));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Fenced));

        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("orders", 1)))));
        Assert.Empty(h.Ack("orders", 1, 1, 6));
        var done = h.Apply(new GroupEvent.WorkerStopped(worker));

        Assert.Equal(CommittedThenRevoked(Tp("orders", 1), next: 7), done);
    }

    [Fact]
    public void Partition_revoked_twice_before_the_revocation_completes_is_named_once()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(RevokeAll);
        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("orders", 0)))));

        var done = h.Apply(new GroupEvent.WorkerStopped(worker));

        var once = ValueList.Of(Tp("orders", 0));
        Assert.Equal(new GroupEffect[] { new GroupEffect.InvokeAssignmentsRevoked(once), new GroupEffect.CompleteRevocation(once) }, done);
    }

    [Fact]
    public void Acks_that_arrive_while_the_revocation_waits_for_workers_are_committed_before_the_revoked_handler_runs()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        h.Apply(RevokeAll);

        Assert.Empty(h.Ack("orders", 0, 1, 9));
        Assert.Empty(h.Apply(new GroupEvent.MessagesDelivered(worker, 10, 12)));
        Assert.Empty(h.Ack("orders", 0, 1, 12));
        var done = h.Apply(new GroupEvent.WorkerStopped(worker));

        Assert.Equal(CommittedThenRevoked(Tp("orders", 0), next: 13), done);
    }

    [Fact]
    public void Ack_that_arrives_after_the_revocation_completed_is_ignored_and_never_committed()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.ConfirmStops(h.Apply(RevokeAll));

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 9), DiagnosticKind.StaleAck);

        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
    }

    [Fact]
    public void Cooperative_revocation_of_some_partitions_keeps_the_others_running()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        var (kept, revoked) = (h.WorkerOf("orders", 0), h.WorkerOf("orders", 1));
        h.Deliver("orders", 0, 0, 9);
        h.Deliver("orders", 1, 0, 9);
        h.Ack("orders", 1, 1, 6);

        var revoking = h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("orders", 1)))));
        Assert.Equal(new GroupEffect[] { new GroupEffect.StopWorker(revoked) }, revoking);
        var done = h.Apply(new GroupEvent.WorkerStopped(revoked));

        Assert.Equal(CommittedThenRevoked(Tp("orders", 1), next: 7), done);
        Assert.Equal(kept, h.WorkerOf("orders", 0));
        Assert.Equal(ManagerPhase.Active, h.State.Phase);
        Assert.Equal(1, h.State.GenerationId);

        h.Ack("orders", 0, 1, 8);
        var commit = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(ValueList.Of(new PartitionOffset(Tp("orders", 0), 9)), commit.Offsets);
    }

    [Fact]
    public void Lost_assignment_stops_workers_commits_nothing_and_calls_the_revoked_handler()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);

        var losing = h.Apply(new GroupEvent.AssignmentsLost(PartitionSelection.All));
        Assert.Equal(new GroupEffect[] { new GroupEffect.StopWorker(worker) }, losing);
        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 9), DiagnosticKind.StaleAck);
        Assert.Empty(h.Tick(5_000));

        var done = h.Apply(new GroupEvent.WorkerStopped(worker));

        var orders0 = ValueList.Of(Tp("orders", 0));
        Assert.Equal(new GroupEffect[] { new GroupEffect.InvokeAssignmentsRevoked(orders0), new GroupEffect.CompleteRevocation(orders0) }, done);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
        Assert.Empty(h.State.Partitions);
    }

    [Fact]
    public void Loss_during_a_revocation_commits_nothing()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        h.Apply(RevokeAll);

        h.Apply(new GroupEvent.AssignmentsLost(PartitionSelection.All));
        var done = h.Apply(new GroupEvent.WorkerStopped(worker));

        Assert.Contains(done, e => e is GroupEffect.CompleteRevocation);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
    }

    [Fact]
    public void Revoked_handler_waits_for_an_assignment_callback_under_way()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Receive(2, ("orders", 1, null));
        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("orders", 0)))));

        Assert.Empty(h.Apply(new GroupEvent.WorkerStopped(worker)));
        var answered = h.Apply(new GroupEvent.AssignmentHandlerReturned(Tp("orders", 1), 2, CallbackOutcome.Ok));

        var orders0 = ValueList.Of(Tp("orders", 0));
        Assert.Equal(
            new GroupEffect[]
            {
                new GroupEffect.InvokeAssignmentsRevoked(orders0),
                new GroupEffect.CompleteRevocation(orders0),
                new GroupEffect.StartWorker(new WorkerId(2), Tp("orders", 1), 2, StartPosition.Earliest),
            },
            answered);
    }

    [Fact]
    public void Revoking_a_partition_this_member_does_not_own_is_a_diagnostic_that_changes_nothing_and_still_completes()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var before = h.State;

        var effects = h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Tp("payments", 5)))));

        Assert.Contains(effects, e => e is GroupEffect.Diagnostic { Kind: DiagnosticKind.UnknownPartition });
        Assert.Contains(new GroupEffect.CompleteRevocation(ValueList.Of(Tp("payments", 5))), effects);
        Assert.DoesNotContain(effects, e => e is GroupEffect.StopWorker or GroupEffect.CommitOffsets);
        Assert.Equal(before, h.State);
    }
}
