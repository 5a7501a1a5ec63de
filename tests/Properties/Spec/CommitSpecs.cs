using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Commits: every commit interval, or at once under <c>direct_ack</c>; retried when retriable, dropped when fenced;
/// and what <see cref="GroupState.CommittedOffsets"/> reports.</summary>
public sealed class CommitSpecs
{
    [Fact]
    public void Acks_are_committed_every_commit_interval_and_not_before()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 20);
        h.Ack("orders", 0, 1, 4);

        Assert.Empty(h.Tick(4_999));
        Assert.Equal(
            new GroupEffect[] { new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 5))) },
            h.Tick(5_000));

        h.Ack("orders", 0, 1, 9);
        Assert.Empty(h.Tick(9_999));
        Assert.Equal(
            new GroupEffect[] { new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 10))) },
            h.Tick(10_000));
        Assert.Empty(h.Tick(15_000));
    }

    [Fact]
    public void Direct_ack_commits_each_ack_at_once()
    {
        var h = new Harness(Configs.Default(directAck: true));
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);

        Assert.Equal(
            new GroupEffect[] { new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 5))) },
            h.Ack("orders", 0, 1, 4));
        Assert.Equal(
            new GroupEffect[] { new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 7))) },
            h.Ack("orders", 0, 1, 6));
        Assert.DoesNotContain(h.Tick(5_000), e => e is GroupEffect.CommitOffsets);
    }

    [Fact]
    public void Retriable_commit_failure_is_retried_on_the_next_interval()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));

        var failed = h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.RetriableError));
        Assert.Equal(DiagnosticKind.CommitRetry, Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(failed)).Kind);
        Assert.Empty(h.Tick(9_999));

        Assert.Equal(new GroupEffect[] { sent }, h.Tick(10_000));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));
        Assert.Equal(sent.Offsets, h.State.CommittedOffsets("orders"));
    }

    [Fact]
    public void Fenced_commit_is_not_retried_in_its_generation()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));

        var fenced = h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Fenced));
        Assert.Equal(DiagnosticKind.CommitFenced, Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(fenced)).Kind);
        h.Tick(10_000);
        h.Tick(15_000);

        Assert.Single(h.History, e => e is GroupEffect.CommitOffsets);
        Assert.Empty(h.State.CommittedOffsets("orders"));
    }

    // Found by the simulator (seed 1304, cooperative, direct_ack): a partition kept across a rebalance never committed its
    // last acks, because the fenced commit was dropped for good and no newer ack came to carry them.
    [Fact]
    public void Fenced_commit_is_sent_again_in_the_next_generation_when_the_partition_is_kept()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Fenced));
        Assert.Empty(h.Tick(10_000).OfType<GroupEffect.CommitOffsets>());

        h.Assign(2);
        var resent = Assert.Single(h.Tick(15_000).OfType<GroupEffect.CommitOffsets>());

        Assert.Equal(2, resent.GenerationId);
        Assert.Equal(new[] { new PartitionOffset(Tp("orders", 0), 5) }, resent.Offsets);
    }

    [Fact]
    public void Committed_offsets_report_what_the_coordinator_confirmed_for_the_topic()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 42), ("orders", 1, null), ("payments", 0, 7));
        Assert.Equal(new[] { new PartitionOffset(Tp("orders", 0), 42) }, h.State.CommittedOffsets("orders"));

        h.Deliver("orders", 1, 0, 9);
        h.Ack("orders", 1, 1, 9);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        Assert.Single(h.State.CommittedOffsets("orders"));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));

        Assert.Equal(
            new[] { new PartitionOffset(Tp("orders", 0), 42), new PartitionOffset(Tp("orders", 1), 10) },
            h.State.CommittedOffsets("orders"));
        Assert.Equal(new[] { new PartitionOffset(Tp("payments", 0), 7) }, h.State.CommittedOffsets("payments"));
        Assert.Empty(h.State.CommittedOffsets("refunds"));
    }

    [Fact]
    public void Commit_results_arriving_out_of_order_never_lower_the_committed_offset()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var older = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Ack("orders", 0, 1, 7);
        var newer = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(10_000)));

        h.Apply(new GroupEvent.CommitCompleted(1, newer.Offsets, CommitOutcome.Success));
        h.Apply(new GroupEvent.CommitCompleted(1, older.Offsets, CommitOutcome.Success));

        Assert.Equal(new[] { new PartitionOffset(Tp("orders", 0), 8) }, h.State.CommittedOffsets("orders"));
    }

    [Fact]
    public void Commit_success_for_an_offset_never_sent_is_ignored_and_commits_nothing()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 20);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Ack("orders", 0, 1, 15);

        var ignored = h.ApplyIgnored(
            new GroupEvent.CommitCompleted(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 16)), CommitOutcome.Success),
            DiagnosticKind.StaleCommitResult);

        var diagnostic = Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(ignored));
        Assert.Equal((Tp("orders", 0), (int?)1), (Assert.Single(diagnostic.Partitions), diagnostic.GenerationId));
        Assert.Empty(h.State.CommittedOffsets("orders"));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));
        Assert.Equal(sent.Offsets, h.State.CommittedOffsets("orders"));
    }

    [Fact]
    public void Commit_result_naming_a_partition_not_in_the_commit_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null), ("orders", 1, null));
        h.Deliver("orders", 0, 0, 9);
        h.Deliver("orders", 1, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));

        h.ApplyIgnored(
            new GroupEvent.CommitCompleted(1, sent.Offsets.Add(new PartitionOffset(Tp("orders", 1), 3)), CommitOutcome.Success),
            DiagnosticKind.StaleCommitResult);
        h.ApplyIgnored(
            new GroupEvent.CommitCompleted(1, ValueList.Of(new PartitionOffset(Tp("orders", 1), 3)), CommitOutcome.Success),
            DiagnosticKind.StaleCommitResult);

        Assert.Empty(h.State.CommittedOffsets("orders"));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));
        Assert.Equal(sent.Offsets, h.State.CommittedOffsets("orders"));
    }

    [Fact]
    public void A_commit_result_answers_its_commit_once_and_a_duplicate_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var sent = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));

        h.ApplyIgnored(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Fenced), DiagnosticKind.StaleCommitResult);

        Assert.Null(h.State.FencedGenerationId);
        Assert.Empty(h.State.CommitsInFlight);
    }

    [Fact]
    public void Direct_ack_retries_a_retriable_commit_failure_after_the_retry_backoff()
    {
        var config = Configs.Default(directAck: true) with { CommitRetryBackoffMs = 250 };
        var h = new Harness(config);
        h.Assign(1, ("orders", 0, null));
        h.Tick(1_000);
        h.Deliver("orders", 0, 0, 9);
        var sent = Assert.Single(h.Ack("orders", 0, 1, 4).OfType<GroupEffect.CommitOffsets>());

        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.RetriableError));

        Assert.Equal(1_250, h.State.NextDeadlineMs(config));
        Assert.Empty(h.Tick(1_249));
        Assert.Equal(new GroupEffect[] { sent }, h.Tick(1_250));
        h.Apply(new GroupEvent.CommitCompleted(1, sent.Offsets, CommitOutcome.Success));
        Assert.Equal(sent.Offsets, h.State.CommittedOffsets("orders"));
        Assert.Null(h.State.NextDeadlineMs(config));
    }

    [Fact]
    public void A_stale_fenced_result_never_fences_the_current_generation()
    {
        // Until this spec only the simulator caught a machine that let an older generation's fenced commit stop the
        // current generation's commits: a partition kept across a cooperative rebalance then never committed again.
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        var old = Assert.IsType<GroupEffect.CommitOffsets>(Assert.Single(h.Tick(5_000)));
        h.Assign(2);

        h.Apply(new GroupEvent.CommitCompleted(1, old.Offsets, CommitOutcome.Fenced));

        Assert.Null(h.State.FencedGenerationId);
        h.Ack("orders", 0, 2, 8);
        var current = Assert.Single(h.Tick(10_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal((2, 9L), (current.GenerationId, Assert.Single(current.Offsets).NextOffset));
    }
}
