using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Invariants;

/// <summary>Every invariant the checker names can fail: each test breaks exactly one condition in a state or a step the
/// real machine produced, and the checker must name that condition. The properties that run the checker after every
/// step prove nothing unless it can say no.</summary>
public sealed class InvariantCheckerTests
{
    private static readonly TopicPartition Orders0 = Tp("orders", 0);

    [Fact]
    public void A_partition_with_a_live_and_a_stopping_worker_breaks_one_worker_per_partition()
    {
        var (state, p) = Running();
        var stopping = new WorkerId(99);
        var broken = state with
        {
            Partitions = state.Partitions.SetItem(Orders0, p with { StoppingWorker = stopping }),
            Workers = state.Workers.SetItem(stopping, Orders0),
        };

        AssertBreaks(GroupInvariants.Names.OneWorkerPerPartition, () => GroupInvariants.CheckState(broken));
    }

    [Fact]
    public void A_running_partition_without_a_worker_breaks_running_has_worker()
    {
        var (state, p) = Running();
        var broken = state with { Partitions = state.Partitions.SetItem(Orders0, p with { Worker = null }), Workers = ValueMap<WorkerId, TopicPartition>.Empty };

        AssertBreaks(GroupInvariants.Names.RunningHasWorker, () => GroupInvariants.CheckState(broken));
    }

    [Fact]
    public void A_live_worker_of_an_idle_manager_breaks_worker_in_current_generation()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerInCurrentGeneration, () => GroupInvariants.CheckState(state with { Phase = ManagerPhase.Idle }));
    }

    [Fact]
    public void A_worker_missing_from_the_index_breaks_worker_index_consistent()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerIndexConsistent, () => GroupInvariants.CheckState(state with { Workers = ValueMap<WorkerId, TopicPartition>.Empty }));
    }

    [Fact]
    public void A_partition_owned_since_a_future_generation_breaks_only_assigned_partitions()
    {
        var (state, _) = Running();
        var future = new PartitionState
        {
            Partition = Tp("orders", 1),
            OwnedSinceGeneration = 2,
            AssignedPosition = StartPosition.Earliest,
            Phase = PartitionPhase.AwaitingCallback,
        };

        AssertBreaks(GroupInvariants.Names.OnlyAssignedPartitions, () => GroupInvariants.CheckState(state with { Partitions = state.Partitions.SetItem(future.Partition, future) }));
    }

    [Fact]
    public void A_confirmed_offset_above_what_was_sent_breaks_commit_sent_covers_committed()
    {
        var (state, p) = Running();
        var broken = state with { Partitions = state.Partitions.SetItem(Orders0, p with { CommittedOffset = 5, CommitSentOffset = 3 }) };

        AssertBreaks(GroupInvariants.Names.CommitSentCoversCommitted, () => GroupInvariants.CheckState(broken));
    }

    [Fact]
    public void A_partition_ready_to_start_without_a_worker_breaks_ready_partitions_started()
    {
        var (state, p) = Running();
        var broken = state with
        {
            Partitions = state.Partitions.SetItem(Orders0, p with { Phase = PartitionPhase.Starting, Worker = null }),
            Workers = ValueMap<WorkerId, TopicPartition>.Empty,
        };

        AssertBreaks(GroupInvariants.Names.ReadyPartitionsStarted, () => GroupInvariants.CheckState(broken));
    }

    [Fact]
    public void A_revocation_that_miscounts_the_stops_it_awaits_breaks_revocation_stops_counted()
    {
        var h = Started();
        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All));
        Assert.Equal(1, h.State.RevocationStopsAwaited);

        AssertBreaks(GroupInvariants.Names.RevocationStopsCounted, () => GroupInvariants.CheckState(h.State with { RevocationStopsAwaited = 0 }));
    }

    [Fact]
    public void Starting_a_worker_while_the_old_one_has_not_confirmed_its_stop_breaks_start_after_stop()
    {
        var (state, p) = Running();
        var next = new WorkerId(state.NextWorkerId);
        var after = state with
        {
            NextWorkerId = state.NextWorkerId + 1,
            Partitions = state.Partitions.SetItem(Orders0, p with { Worker = next, StoppingWorker = p.Worker }),
            Workers = state.Workers.SetItem(next, Orders0),
        };

        AssertBreaks(GroupInvariants.Names.StartAfterStop, () => CheckStep(state, after, new GroupEffect.StartWorker(next, Orders0, 1, StartPosition.At(5))));
    }

    [Fact]
    public void A_commit_from_a_failed_manager_breaks_quiet_after_end()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.QuietAfterEnd, () => CheckStep(state, state with { Phase = ManagerPhase.Failed }, Commit(1, 5)));
    }

    [Fact]
    public void A_commit_tagged_with_another_generation_breaks_commit_in_current_generation()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.CommitInCurrentGeneration, () => CheckStep(state, state, Commit(7, 5)));
    }

    [Fact]
    public void A_commit_below_the_committed_offset_breaks_commits_monotonic()
    {
        var (state, p) = Running();
        var committed = state with { Partitions = state.Partitions.SetItem(Orders0, p with { CommittedOffset = 5, CommitSentOffset = 5 }) };

        AssertBreaks(GroupInvariants.Names.CommitsMonotonic, () => CheckStep(committed, committed, Commit(1, 3)));
    }

    [Fact]
    public void A_committed_offset_that_goes_down_within_one_ownership_breaks_commits_monotonic()
    {
        var (state, p) = Running();
        var before = state with { Partitions = state.Partitions.SetItem(Orders0, p with { CommittedOffset = 5, CommitSentOffset = 5 }) };
        var after = state with { Partitions = state.Partitions.SetItem(Orders0, p with { CommittedOffset = 3, CommitSentOffset = 5 }) };

        AssertBreaks(GroupInvariants.Names.CommitsMonotonic, () => GroupInvariants.Check(before, new Transition(after, ValueList<GroupEffect>.Empty)));
    }

    [Fact]
    public void A_commit_past_the_last_ack_breaks_commit_within_acks()
    {
        var (state, _) = Running();

        // The partition acked offset 4, so the furthest it may commit is 5.
        AssertBreaks(GroupInvariants.Names.CommitWithinAcks, () => CheckStep(state, state, Commit(1, 6)));
    }

    [Fact]
    public void A_commit_for_a_lost_partition_breaks_no_commit_when_lost()
    {
        var (state, p) = Running();
        var lost = state with { Partitions = state.Partitions.SetItem(Orders0, p with { Phase = PartitionPhase.Lost }) };

        AssertBreaks(GroupInvariants.Names.NoCommitWhenLost, () => CheckStep(state, lost, Commit(1, 5)));
    }

    [Fact]
    public void The_machine_s_own_running_state_breaks_nothing()
    {
        var (state, _) = Running();

        GroupInvariants.CheckState(state);
        CheckStep(state, state, Commit(1, 5));
    }

    /// <summary>orders/0 assigned in generation 1 and running, offsets 0..9 delivered, 4 acked.</summary>
    private static (GroupState State, PartitionState Partition) Running()
    {
        var h = Started();
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        return (h.State, h.State.Partitions[Orders0]);
    }

    private static Harness Started()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        return h;
    }

    private static GroupEffect.CommitOffsets Commit(int generation, long next) => new(generation, ValueList.Of(new PartitionOffset(Orders0, next)));

    private static void CheckStep(GroupState before, GroupState after, GroupEffect effect) =>
        GroupInvariants.CheckEffects(before, new Transition(after, ValueList.Of(effect)));

    private static void AssertBreaks(string invariant, Action check)
    {
        var violation = Assert.Throws<InvariantViolationException>(check);
        Assert.Equal(invariant, violation.Invariant);
    }
}
