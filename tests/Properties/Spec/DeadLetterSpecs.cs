using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>The dead-letter policy (<see cref="RestartExhaustedPolicy.DeadLetter"/>): when a partition's restart budget is
/// spent on a message the host can name, that message is written to the dead-letter destination, the commit moves past
/// it only once the destination acknowledged it, a failed write is tried again after a backoff, and the partition then
/// goes on after it with a fresh budget.</summary>
public sealed class DeadLetterSpecs
{
    private static readonly TopicPartitionId Orders0 = Tp("orders", 0);

    private static Harness DeadLettering(bool directAck = false) =>
        new(Configs.Default(directAck) with { Restart = new RestartConfig { MaxRestarts = 1, BackoffMs = 100, WhenExhausted = RestartExhaustedPolicy.DeadLetter } });

    /// <summary>Assigns orders/0 from offset 0, acks 0..4, and crashes twice on offset 5, spending the budget of one.</summary>
    private static IReadOnlyList<GroupEffect> CrashTwiceOnFive(Harness h, bool onMessage = true)
    {
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 7);
        h.Ack("orders", 0, 1, 4);
        var reason = onMessage ? ExitReason.Crashed("poison", 5) : ExitReason.Crashed("poison");
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), reason));
        Assert.Single(h.Tick(100).OfType<GroupEffect.StartWorker>(), s => s.Position == StartPosition.At(5));
        h.Deliver("orders", 0, 5, 7);
        return h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), reason));
    }

    [Fact]
    public void A_spent_budget_writes_the_message_the_crash_was_on_and_starts_nothing_until_it_is_acknowledged()
    {
        var h = DeadLettering();

        var effects = CrashTwiceOnFive(h);

        Assert.Equal(new GroupEffect.DeadLetter(Orders0, 5, "poison"), Assert.Single(effects.OfType<GroupEffect.DeadLetter>()));
        var diagnostic = Assert.Single(effects.OfType<GroupEffect.Diagnostic>());
        Assert.Equal((DiagnosticKind.DeadLettering, 5L), (diagnostic.Kind, diagnostic.Offset));
        Assert.Equal([Orders0], diagnostic.Partitions);
        Assert.Equal(PartitionPhase.DeadLettering, h.State.Partitions[Orders0].Phase);
        Assert.Empty(h.Tick(60_000).OfType<GroupEffect.StartWorker>());
        // Nothing past the poison message is committed while it is being written: only the acks before it.
        Assert.All(h.History.OfType<GroupEffect.CommitOffsets>(), c => Assert.All(c.Offsets, o => Assert.True(o.NextOffset <= 5)));
    }

    [Fact]
    public void Once_written_the_commit_moves_past_the_poison_message_and_a_worker_starts_after_it_with_a_fresh_budget()
    {
        var h = DeadLettering();
        CrashTwiceOnFive(h);

        var written = h.Apply(new GroupEvent.DeadLetterWritten(Orders0, 5));

        var diagnostic = Assert.Single(written.OfType<GroupEffect.Diagnostic>());
        Assert.Equal((DiagnosticKind.DeadLettered, 5L), (diagnostic.Kind, diagnostic.Offset));
        var start = Assert.Single(written.OfType<GroupEffect.StartWorker>());
        Assert.Equal(StartPosition.At(6), start.Position);
        var p = h.State.Partitions[Orders0];
        Assert.Equal((PartitionPhase.Running, 5L, 0), (p.Phase, p.LastAckedOffset, p.RestartTimesMs.Count));
        var commit = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(new PartitionOffset(Orders0, 6), Assert.Single(commit.Offsets));
    }

    [Fact]
    public void With_direct_ack_the_dead_lettered_offset_is_committed_at_once()
    {
        var h = DeadLettering(directAck: true);
        CrashTwiceOnFive(h);

        var commit = Assert.Single(h.Apply(new GroupEvent.DeadLetterWritten(Orders0, 5)).OfType<GroupEffect.CommitOffsets>());

        Assert.Equal(new PartitionOffset(Orders0, 6), Assert.Single(commit.Offsets));
    }

    [Fact]
    public void A_failed_write_is_tried_again_after_the_backoff_and_commits_nothing_meanwhile()
    {
        var h = DeadLettering();
        CrashTwiceOnFive(h);
        var commitsBefore = h.History.OfType<GroupEffect.CommitOffsets>().Count();

        var failed = h.Apply(new GroupEvent.DeadLetterFailed(Orders0, 5, "broker down"));

        var diagnostic = Assert.Single(failed.OfType<GroupEffect.Diagnostic>());
        Assert.Equal((DiagnosticKind.DeadLetterFailed, 5L), (diagnostic.Kind, diagnostic.Offset));
        Assert.Contains("broker down", diagnostic.Detail, StringComparison.Ordinal);
        var due = h.State.Partitions[Orders0].RestartDueMs!.Value;
        Assert.Equal(due, h.State.NextDeadlineMs(h.Machine.Config));
        Assert.Empty(h.Tick(due - 1).OfType<GroupEffect.DeadLetter>());
        Assert.Equal(new GroupEffect.DeadLetter(Orders0, 5, "poison"), Assert.Single(h.Tick(due).OfType<GroupEffect.DeadLetter>()));
        Assert.DoesNotContain(h.History.OfType<GroupEffect.CommitOffsets>().Skip(commitsBefore), c => c.Offsets.Any(o => o.NextOffset > 5));
        Assert.Single(h.Apply(new GroupEvent.DeadLetterWritten(Orders0, 5)).OfType<GroupEffect.StartWorker>());
    }

    [Fact]
    public void A_result_for_no_write_under_way_is_ignored()
    {
        var h = DeadLettering();
        CrashTwiceOnFive(h);

        h.ApplyIgnored(new GroupEvent.DeadLetterWritten(Orders0, 4), DiagnosticKind.IgnoredEvent);
        h.ApplyIgnored(new GroupEvent.DeadLetterFailed(Tp("orders", 1), 5, "x"), DiagnosticKind.IgnoredEvent);
        h.Apply(new GroupEvent.DeadLetterFailed(Orders0, 5, "broker down"));
        // Failed, so no write is under way until the retry: a late acknowledgement of the first write is not believed.
        h.ApplyIgnored(new GroupEvent.DeadLetterWritten(Orders0, 5), DiagnosticKind.IgnoredEvent);
    }

    [Fact]
    public void A_revocation_during_the_write_drops_it_and_its_late_result_is_ignored()
    {
        var h = DeadLettering();
        CrashTwiceOnFive(h);

        h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(ValueList.Of(Orders0))));

        Assert.False(h.State.Partitions.ContainsKey(Orders0));
        h.ApplyIgnored(new GroupEvent.DeadLetterWritten(Orders0, 5), DiagnosticKind.IgnoredEvent);
    }

    [Fact]
    public void A_crash_the_host_cannot_place_on_a_message_parks_the_partition_saying_why()
    {
        var h = DeadLettering();

        var effects = CrashTwiceOnFive(h, onMessage: false);

        Assert.Empty(effects.OfType<GroupEffect.DeadLetter>());
        var diagnostic = Assert.Single(effects.OfType<GroupEffect.Diagnostic>());
        Assert.Equal(DiagnosticKind.PartitionParked, diagnostic.Kind);
        Assert.Contains("could not tell which message", diagnostic.Detail, StringComparison.Ordinal);
        Assert.Equal(PartitionPhase.Parked, h.State.Partitions[Orders0].Phase);
    }

    [Fact]
    public void A_crash_on_a_message_below_the_first_unacknowledged_one_is_not_dead_lettered()
    {
        var h = DeadLettering();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 7);
        h.Ack("orders", 0, 1, 4);
        h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), ExitReason.Crashed("poison", 3)));
        h.Tick(100);

        var effects = h.Apply(new GroupEvent.WorkerExited(h.WorkerOf("orders", 0), ExitReason.Crashed("poison", 3)));

        Assert.Empty(effects.OfType<GroupEffect.DeadLetter>());
        Assert.Equal(PartitionPhase.Parked, h.State.Partitions[Orders0].Phase);
        Assert.Contains("the crash at 3 was not on the first unacknowledged message", Assert.Single(effects.OfType<GroupEffect.Diagnostic>()).Detail, StringComparison.Ordinal);
    }
}
