using static Elsa.Sim.Properties.Tests.Invariants.InvariantFixture;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Invariants;

/// <summary>Every condition the state check makes can fail: each test breaks exactly one condition in a state the real
/// machine produced, and the checker must name that invariant and what it is about (partition, worker, generation). The
/// properties that run the checker after every step prove nothing unless it can say no; the tests that pass show it
/// says no only when a condition really fails. The checks of a step's effects are in <see cref="StepInvariantTests"/>.</summary>
public sealed class InvariantCheckerTests
{
    [Fact]
    public void The_machine_s_own_running_state_breaks_nothing()
    {
        var (state, _) = Running();

        GroupInvariants.CheckState(state);
        CheckStep(state, state, Commit(1, 5));
        GroupInvariants.Check(state, new Transition(state, ValueList<GroupEffect>.Empty));
    }

    [Fact]
    public void The_whole_step_check_checks_the_state_its_effects_and_the_commits_together()
    {
        var (state, p) = Running();
        var brokenState = state.With(p with { Phase = PartitionPhase.Revoking });

        AssertBreaks(GroupInvariants.Names.RunningHasWorker,
            () => GroupInvariants.Check(state, new Transition(brokenState, ValueList<GroupEffect>.Empty)), "orders/0", "Revoking");
        AssertBreaks(GroupInvariants.Names.CommitInCurrentGeneration,
            () => GroupInvariants.Check(state, new Transition(state, ValueList.Of<GroupEffect>(Commit(7, 5)))), "generation 7");
    }

    [Fact]
    public void Checking_a_null_state_is_a_programming_error()
    {
        var (state, _) = Running();
        var step = new Transition(state, ValueList<GroupEffect>.Empty);

        Assert.Throws<ArgumentNullException>(() => GroupInvariants.CheckState(null!));
        Assert.Throws<ArgumentNullException>(() => GroupInvariants.Check(null!, step));
        Assert.Throws<ArgumentNullException>(() => GroupInvariants.CheckEffects(null!, step));
    }

    [Fact]
    public void A_partition_with_a_live_and_a_stopping_worker_breaks_one_worker_per_partition()
    {
        var (state, p) = Running();
        var stopping = new WorkerId(99);
        var broken = state.With(p with { StoppingWorker = stopping }) with { Workers = state.Workers.SetItem(stopping, Orders0) };

        AssertBreaks(GroupInvariants.Names.OneWorkerPerPartition, () => GroupInvariants.CheckState(broken), "orders/0", "w1", "w99", "generation 1");
    }

    [Fact]
    public void A_running_partition_without_a_worker_breaks_running_has_worker()
    {
        var (state, p) = Running();
        var broken = state.With(p with { Worker = null }) with { Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };

        AssertBreaks(GroupInvariants.Names.RunningHasWorker, () => GroupInvariants.CheckState(broken), "orders/0", "Running", "none");
    }

    [Fact]
    public void A_live_worker_on_a_partition_that_is_not_running_breaks_running_has_worker()
    {
        var (state, p) = Running();

        AssertBreaks(GroupInvariants.Names.RunningHasWorker, () => GroupInvariants.CheckState(state.With(p with { Phase = PartitionPhase.Revoking })), "orders/0", "Revoking", "w1");
    }

    [Fact]
    public void A_live_worker_of_an_idle_manager_breaks_worker_in_current_generation()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerInCurrentGeneration, () => GroupInvariants.CheckState(state with { Phase = ManagerPhase.Idle }), "orders/0", "w1", "Idle");
    }

    [Fact]
    public void A_live_worker_owned_since_a_later_generation_or_with_no_generation_breaks_worker_in_current_generation()
    {
        var (state, p) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerInCurrentGeneration, () => GroupInvariants.CheckState(state.With(p with { OwnedSinceGeneration = 2 })), "orders/0", "w1", "generation 2", "current is 1");
        AssertBreaks(GroupInvariants.Names.WorkerInCurrentGeneration, () => GroupInvariants.CheckState(state with { GenerationId = null }), "orders/0", "w1");
    }

    [Fact]
    public void A_worker_missing_from_the_index_breaks_worker_index_consistent()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerIndexConsistent, () => GroupInvariants.CheckState(state with { Workers = ValueMap<WorkerId, TopicPartitionId>.Empty }), "orders/0", "w1");
    }

    [Fact]
    public void A_worker_the_index_maps_to_another_partition_breaks_worker_index_consistent()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerIndexConsistent, () => GroupInvariants.CheckState(state with { Workers = state.Workers.SetItem(new WorkerId(1), Tp("orders", 1)) }), "orders/0", "w1");
    }

    [Fact]
    public void A_stopping_worker_missing_from_the_index_breaks_worker_index_consistent()
    {
        var (state, p) = Running();
        var stopping = state.With(p with { Phase = PartitionPhase.Starting, Worker = null, StoppingWorker = p.Worker });
        GroupInvariants.CheckState(stopping);

        AssertBreaks(GroupInvariants.Names.WorkerIndexConsistent, () => GroupInvariants.CheckState(stopping with { Workers = ValueMap<WorkerId, TopicPartitionId>.Empty }), "orders/0", "w1");
    }

    [Fact]
    public void An_indexed_worker_its_partition_does_not_name_breaks_worker_index_consistent()
    {
        var (state, _) = Running();

        AssertBreaks(GroupInvariants.Names.WorkerIndexConsistent, () => GroupInvariants.CheckState(state with { Workers = state.Workers.SetItem(new WorkerId(7), Orders0) }), "w7", "orders/0");
        AssertBreaks(GroupInvariants.Names.WorkerIndexConsistent, () => GroupInvariants.CheckState(state with { Workers = state.Workers.SetItem(new WorkerId(7), Tp("orders", 5)) }), "w7", "orders/5");
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

        AssertBreaks(GroupInvariants.Names.OnlyAssignedPartitions, () => GroupInvariants.CheckState(state.With(future)), "orders/1", "generation 2", "is 1");
    }

    [Fact]
    public void A_partition_held_with_no_current_generation_breaks_only_assigned_partitions()
    {
        var (state, p) = Running();
        var idle = state.With(p with { Phase = PartitionPhase.Parked, Worker = null }) with
        {
            Phase = ManagerPhase.Idle,
            GenerationId = null,
            Workers = ValueMap<WorkerId, TopicPartitionId>.Empty,
        };

        AssertBreaks(GroupInvariants.Names.OnlyAssignedPartitions, () => GroupInvariants.CheckState(idle), "orders/0", "generation 1", "none");
    }

    [Fact]
    public void A_confirmed_offset_above_what_was_sent_breaks_commit_sent_covers_committed_and_an_equal_one_does_not()
    {
        var (state, p) = Running();

        AssertBreaks(GroupInvariants.Names.CommitSentCoversCommitted, () => GroupInvariants.CheckState(state.With(p with { CommittedOffset = 5, CommitSentOffset = 3 })), "orders/0", "committed 5", "sent only 3");
        AssertBreaks(GroupInvariants.Names.CommitSentCoversCommitted, () => GroupInvariants.CheckState(state.With(p with { CommittedOffset = 5, CommitSentOffset = null })), "orders/0", "committed 5");
        GroupInvariants.CheckState(state.With(p with { CommittedOffset = 5, CommitSentOffset = 5 }));
    }

    [Fact]
    public void A_partition_ready_to_start_without_a_worker_breaks_ready_partitions_started()
    {
        var (state, p) = Running();
        var broken = state.With(p with { Phase = PartitionPhase.Starting, Worker = null }) with { Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };

        AssertBreaks(GroupInvariants.Names.ReadyPartitionsStarted, () => GroupInvariants.CheckState(broken), "orders/0", "generation 1");
    }

    [Fact]
    public void A_restart_that_fell_due_without_a_worker_breaks_ready_partitions_started_and_one_still_waiting_does_not()
    {
        var (state, p) = Running();
        var crashed = state with { NowMs = 1_000, Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };
        var waiting = p with { Phase = PartitionPhase.Starting, Worker = null };

        AssertBreaks(GroupInvariants.Names.ReadyPartitionsStarted, () => GroupInvariants.CheckState(crashed.With(waiting with { RestartDueMs = 1_000 })), "orders/0", "1000 ms");
        GroupInvariants.CheckState(crashed.With(waiting with { RestartDueMs = 1_001 }));
    }

    [Fact]
    public void A_dead_letter_outside_the_dead_lettering_phase_or_that_phase_without_one_breaks_dead_letter_while_dead_lettering()
    {
        var (state, p) = Running();
        var idle = state with { NowMs = 1_000, Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };
        var writing = p with { Phase = PartitionPhase.DeadLettering, Worker = null, DeadLetter = new PendingDeadLetter(5, "poison", InFlight: true) };

        GroupInvariants.CheckState(idle.With(writing));
        AssertBreaks(GroupInvariants.Names.DeadLetterWhileDeadLettering, () => GroupInvariants.CheckState(idle.With(writing with { DeadLetter = null })), "orders/0", "DeadLettering", "none");
        AssertBreaks(GroupInvariants.Names.DeadLetterWhileDeadLettering,
            () => GroupInvariants.CheckState(idle.With(writing with { Phase = PartitionPhase.Parked })), "orders/0", "Parked", "Offset = 5");
    }

    [Fact]
    public void A_failed_dead_letter_due_again_but_not_sent_breaks_ready_partitions_started_and_one_still_waiting_does_not()
    {
        var (state, p) = Running();
        var idle = state with { NowMs = 1_000, Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };
        var failed = p with { Phase = PartitionPhase.DeadLettering, Worker = null, DeadLetter = new PendingDeadLetter(5, "poison", InFlight: false) };

        AssertBreaks(GroupInvariants.Names.ReadyPartitionsStarted, () => GroupInvariants.CheckState(idle.With(failed with { RestartDueMs = 1_000 })), "orders/0", "dead letter at 5", "1000 ms");
        GroupInvariants.CheckState(idle.With(failed with { RestartDueMs = 1_001 }));
    }

    [Fact]
    public void A_partition_ready_to_start_while_an_assignment_callback_is_pending_breaks_nothing()
    {
        var (state, p) = Running();
        var waiting = state.With(p with { Phase = PartitionPhase.Starting, Worker = null }) with { Workers = ValueMap<WorkerId, TopicPartitionId>.Empty };

        GroupInvariants.CheckState(waiting with { CallbackInFlight = (Tp("orders", 1), 1) });
        GroupInvariants.CheckState(waiting with { CallbackQueue = ValueQueue<TopicPartitionId>.Empty.Items.Add(Tp("orders", 1)) });
    }

    [Fact]
    public void A_revocation_that_miscounts_the_stops_it_awaits_breaks_revocation_stops_counted()
    {
        var h = Started();
        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All));
        Assert.Equal(1, h.State.RevocationStopsAwaited);

        AssertBreaks(GroupInvariants.Names.RevocationStopsCounted, () => GroupInvariants.CheckState(h.State with { RevocationStopsAwaited = 0 }), "1 leaving", "counts 0");
        AssertBreaks(GroupInvariants.Names.RevocationStopsCounted, () => GroupInvariants.CheckState(h.State with { RevocationStopsAwaited = 2 }), "1 leaving", "counts 2");
    }
}
