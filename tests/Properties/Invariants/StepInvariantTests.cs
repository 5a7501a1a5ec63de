using static Elsa.Sim.Properties.Tests.Invariants.InvariantFixture;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Invariants;

/// <summary>Every condition the check of a step makes can fail: what a step asks the world to do (start a worker, commit)
/// is checked against the states before and after it. Each test breaks exactly one condition and the checker must name
/// it with the partition, worker, generation or offset it is about; the steps the machine really takes near each boundary
/// pass.</summary>
public sealed class StepInvariantTests
{
    [Fact]
    public void Two_workers_started_for_one_partition_in_one_step_break_one_worker_per_partition()
    {
        var (state, p) = Running();
        var after = Restarted(state, p, worker: 2);

        CheckStep(state, after, Start(2));
        AssertBreaks(GroupInvariants.Names.OneWorkerPerPartition, () => CheckStep(state, after, Start(2), Start(3)), "orders/0", "w3");
    }

    [Fact]
    public void Starting_a_worker_while_the_old_one_has_not_confirmed_its_stop_breaks_start_after_stop()
    {
        var (state, p) = Running();
        var after = Restarted(state, p, worker: 2);
        var unconfirmed = after.With(after.Partitions[Orders0] with { StoppingWorker = p.Worker }) with { Workers = after.Workers.SetItem(p.Worker!.Value, Orders0) };

        AssertBreaks(GroupInvariants.Names.StartAfterStop, () => CheckStep(state, unconfirmed, Start(2)), "w2", "orders/0", "w1");
    }

    [Fact]
    public void Starting_a_worker_the_partition_does_not_name_breaks_start_after_stop()
    {
        var (state, p) = Running();
        var after = Restarted(state, p, worker: 2);

        AssertBreaks(GroupInvariants.Names.StartAfterStop, () => CheckStep(state, after, Start(3)), "w3", "orders/0", "w2");
        AssertBreaks(GroupInvariants.Names.StartAfterStop, () => CheckStep(state, after with { Partitions = ValueMap<TopicPartitionId, PartitionState>.Empty }, Start(2)), "w2", "orders/0", "no live worker");
    }

    [Fact]
    public void Starting_a_worker_with_an_id_already_given_out_breaks_start_after_stop()
    {
        var (state, p) = Running();
        var before = state with { NextWorkerId = 3 };

        AssertBreaks(GroupInvariants.Names.StartAfterStop, () => CheckStep(before, Restarted(before, p, worker: 2), Start(2)), "w2", "orders/0", "old worker id");
        CheckStep(before, Restarted(before, p, worker: 3), Start(3));
    }

    [Fact]
    public void Starting_a_worker_when_the_manager_is_not_active_breaks_quiet_after_end()
    {
        var (state, p) = Running();

        AssertBreaks(GroupInvariants.Names.QuietAfterEnd, () => CheckStep(state, Restarted(state, p, worker: 2) with { Phase = ManagerPhase.ShuttingDown }, Start(2)), "w2", "orders/0", "ShuttingDown");
    }

    [Fact]
    public void Starting_a_worker_in_another_generation_breaks_worker_in_current_generation()
    {
        var (state, p) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerInCurrentGeneration, () => CheckStep(state, Restarted(state, p, worker: 2), Start(2, generation: 2)), "w2", "orders/0", "generation 2", "current is 1");
    }

    [Fact]
    public void A_commit_from_a_failed_or_already_stopped_manager_breaks_quiet_after_end_and_the_final_commit_of_a_shutdown_does_not()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.QuietAfterEnd, () => CheckStep(state, state with { Phase = ManagerPhase.Failed }, Commit(1, 5)), "orders/0@5", "failed");
        var stopped = state with { Phase = ManagerPhase.Stopped };
        AssertBreaks(GroupInvariants.Names.QuietAfterEnd, () => CheckStep(stopped, stopped, Commit(1, 5)), "orders/0@5", "stopped");
        CheckStep(state with { Phase = ManagerPhase.ShuttingDown }, stopped, Commit(1, 5));
    }

    [Fact]
    public void A_commit_tagged_with_neither_generation_of_its_step_breaks_commit_in_current_generation()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.CommitInCurrentGeneration, () => CheckStep(state, state, Commit(7, 5)), "orders/0@5", "generation 7", "current is 1");
        AssertBreaks(GroupInvariants.Names.CommitInCurrentGeneration, () => CheckStep(state, state with { GenerationId = null }, Commit(7, 5)), "generation 7", "current is 1");

        // A revocation's last commit carries the generation it clears; a kept partition's commit, the one just received.
        CheckStep(state, state with { GenerationId = null }, Commit(1, 5));
        CheckStep(state, state with { GenerationId = 2 }, Commit(2, 5));
    }

    [Fact]
    public void A_commit_for_a_partition_owned_neither_before_nor_after_the_step_breaks_only_assigned_partitions()
    {
        var (state, _) = Running();
        var gone = state with { Partitions = ValueMap<TopicPartitionId, PartitionState>.Empty, Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };

        AssertBreaks(GroupInvariants.Names.OnlyAssignedPartitions, () => CheckStep(gone, gone, Commit(1, 5)), "orders/0@5");
        CheckStep(state, gone, Commit(1, 5));
    }

    [Fact]
    public void A_commit_for_a_partition_lost_before_or_during_the_step_breaks_no_commit_when_lost()
    {
        var (state, p) = Running();
        var lost = state.With(p with { Phase = PartitionPhase.Lost });

        AssertBreaks(GroupInvariants.Names.NoCommitWhenLost, () => CheckStep(state, lost, Commit(1, 5)), "orders/0@5", "generation 1");
        AssertBreaks(GroupInvariants.Names.NoCommitWhenLost, () => CheckStep(lost, state with { Partitions = ValueMap<TopicPartitionId, PartitionState>.Empty }, Commit(1, 5)), "orders/0@5");
    }

    [Fact]
    public void A_commit_below_the_committed_offset_breaks_commits_monotonic_and_one_equal_to_it_does_not()
    {
        var (state, p) = Running();
        var committed = state.With(p with { CommittedOffset = 5, CommitSentOffset = 5 });

        AssertBreaks(GroupInvariants.Names.CommitsMonotonic, () => CheckStep(committed, committed, Commit(1, 4)), "orders/0@4", "committed 5");
        CheckStep(committed, committed, Commit(1, 5));
    }

    [Fact]
    public void A_committed_offset_that_goes_down_or_away_within_one_ownership_breaks_commits_monotonic()
    {
        var (state, p) = Running();
        var before = state.With(p with { CommittedOffset = 5, CommitSentOffset = 5 });

        AssertBreaks(GroupInvariants.Names.CommitsMonotonic, () => CheckWhole(before, state.With(p with { CommittedOffset = 4, CommitSentOffset = 5 })), "orders/0", "from 5 to 4");
        AssertBreaks(GroupInvariants.Names.CommitsMonotonic, () => CheckWhole(before, state.With(p with { CommittedOffset = null, CommitSentOffset = 5 })), "orders/0", "from 5 to none");
    }

    [Fact]
    public void A_committed_offset_starts_afresh_with_a_new_ownership()
    {
        var (state, p) = Running();
        var before = state.With(p with { CommittedOffset = 5, CommitSentOffset = 5 });
        var reassigned = state.With(p with { OwnedSinceGeneration = 2, CommittedOffset = 3, CommitSentOffset = 3 }) with { GenerationId = 2, LastGenerationId = 2 };

        CheckWhole(before, reassigned);
        CheckWhole(before, state with { Partitions = ValueMap<TopicPartitionId, PartitionState>.Empty, Workers = ValueMap<WorkerId, TopicPartitionId>.Empty, Phase = ManagerPhase.Idle, GenerationId = null });
    }

    [Fact]
    public void A_commit_past_the_last_ack_breaks_commit_within_acks_and_one_at_the_last_ack_plus_one_does_not()
    {
        var (state, _) = Running();

        // The partition acked offset 4, so the furthest it may commit is 5.
        AssertBreaks(GroupInvariants.Names.CommitWithinAcks, () => CheckStep(state, state, Commit(1, 6)), "orders/0@6", "last ack 4", "(none)", "generation 1");
        CheckStep(state, state, Commit(1, 5));
    }

    [Fact]
    public void A_commit_with_nothing_acked_and_nothing_resolved_breaks_commit_within_acks_even_at_offset_zero()
    {
        var (state, p) = Running();
        var unacked = state.With(p with { LastAckedOffset = null });

        AssertBreaks(GroupInvariants.Names.CommitWithinAcks, () => CheckStep(unacked, unacked, Commit(1, 0)), "orders/0@0", "last ack (none)");
    }

    [Fact]
    public void A_commit_may_reach_the_ack_of_its_own_step_and_no_further()
    {
        var (state, p) = Running();
        var acked = state.With(p with { LastAckedOffset = 6 });

        CheckStep(state, acked, Commit(1, 7));
        AssertBreaks(GroupInvariants.Names.CommitWithinAcks, () => CheckStep(state, acked, Commit(1, 8)), "orders/0@8", "last ack 6");
    }

    [Fact]
    public void A_commit_may_reach_where_a_resolved_latest_put_the_partition_and_no_further()
    {
        var (state, p) = Running();
        var unacked = state.With(p with { LastAckedOffset = null });
        var resolved = state.With(p with { LastAckedOffset = null, CommitFloorOffset = 100 });

        CheckStep(unacked, resolved, Commit(1, 100));
        CheckStep(resolved, unacked, Commit(1, 100));
        AssertBreaks(GroupInvariants.Names.CommitWithinAcks, () => CheckStep(unacked, resolved, Commit(1, 101)), "orders/0@101", "resolved latest 100");
        AssertBreaks(GroupInvariants.Names.CommitWithinAcks, () => CheckStep(resolved, unacked, Commit(1, 101)), "orders/0@101", "resolved latest 100");
    }

    /// <summary><paramref name="state"/> after orders/0's worker <paramref name="p"/> was replaced by
    /// <paramref name="worker"/>, as a restart leaves it.</summary>
    private static GroupState Restarted(GroupState state, PartitionState p, long worker)
    {
        var id = new WorkerId(worker);
        return state.With(p with { Worker = id }) with
        {
            NextWorkerId = worker + 1,
            Workers = ValueMap<WorkerId, TopicPartitionId>.Empty.SetItem(id, Orders0),
        };
    }

    private static void CheckWhole(GroupState before, GroupState after) =>
        GroupInvariants.Check(before, new Transition(after, ValueList<GroupEffect>.Empty));
}
