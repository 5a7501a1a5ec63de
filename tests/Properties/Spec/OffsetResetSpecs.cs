using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Offset out of range: the worker cannot go on from where it is, so it restarts where brod's
/// <c>offset_reset_policy</c> says; where the reset lands becomes the partition's restart floor, and the diagnostic counts
/// what the reset skipped.</summary>
public sealed class OffsetResetSpecs
{
    [Theory]
    [InlineData(OffsetResetPolicy.ResetToEarliest, StartPositionKind.Earliest)]
    [InlineData(OffsetResetPolicy.ResetToLatest, StartPositionKind.Latest)]
    public void Offset_out_of_range_restarts_the_worker_at_earliest_or_latest_per_the_offset_reset_policy(OffsetResetPolicy policy, StartPositionKind expected)
    {
        var h = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { OffsetResetPolicy = policy } });
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 10, 20);
        h.Ack("orders", 0, 1, 15);

        var reset = h.Apply(new GroupEvent.OffsetOutOfRange(worker, 21));
        Assert.Equal(new GroupEffect.StopWorker(worker), reset[0]);
        var outOfRange = Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(reset, e => e is GroupEffect.Diagnostic));
        Assert.Equal((DiagnosticKind.OffsetOutOfRange, Tp("orders", 0), worker, 21L), (outOfRange.Kind, Assert.Single(outOfRange.Partitions), outOfRange.Worker, outOfRange.Offset));
        Assert.DoesNotContain(reset, e => e is GroupEffect.StartWorker);

        var restarted = h.Apply(new GroupEvent.WorkerStopped(worker));

        var start = Assert.IsType<GroupEffect.StartWorker>(Assert.Single(restarted));
        Assert.Equal(expected, start.Position.Kind);
        Assert.Equal(Tp("orders", 0), start.Partition);
    }

    [Fact]
    public void Offset_reset_landing_reports_where_it_landed_and_how_many_offsets_it_skipped()
    {
        var h = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { OffsetResetPolicy = OffsetResetPolicy.ResetToLatest } });
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, 10));
        h.Apply(new GroupEvent.WorkerStopped(worker));
        var resetWorker = h.WorkerOf("orders", 0);

        var landed = h.Apply(new GroupEvent.WorkerPositioned(resetWorker, 250));

        var reset = Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(landed, e => e is GroupEffect.Diagnostic));
        Assert.Equal(
            (DiagnosticKind.OffsetReset, Tp("orders", 0), resetWorker, 250L, 240L),
            (reset.Kind, Assert.Single(reset.Partitions), reset.Worker, reset.Offset, reset.SkippedOffsets));
        Assert.Equal(250, h.State.Partitions[Tp("orders", 0)].RestartFloorOffset);
    }

    [Fact]
    public void Offset_reset_to_latest_is_committed_as_soon_as_it_lands()
    {
        var h = new Harness(Configs.Default() with { Config = new ElsaConsumerConfig { OffsetResetPolicy = OffsetResetPolicy.ResetToLatest } });
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, 10));
        h.Apply(new GroupEvent.WorkerStopped(worker));

        var landed = h.Apply(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 250));

        var commit = Assert.Single(landed.OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(new PartitionOffset(Tp("orders", 0), 250), Assert.Single(commit.Offsets));
    }

    [Fact]
    public void Offset_out_of_range_at_a_position_the_client_did_not_name_still_resets_without_counting_what_it_skipped()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, -1_001));
        h.Apply(new GroupEvent.WorkerStopped(worker));

        var landed = h.Apply(new GroupEvent.WorkerPositioned(h.WorkerOf("orders", 0), 40));

        var reset = Assert.IsType<GroupEffect.Diagnostic>(Assert.Single(landed, e => e is GroupEffect.Diagnostic));
        Assert.Equal((DiagnosticKind.OffsetReset, 40L, (long?)null), (reset.Kind, reset.Offset, reset.SkippedOffsets));
        Assert.Equal(40, h.State.Partitions[Tp("orders", 0)].RestartFloorOffset);
    }

    [Fact]
    public void Offset_out_of_range_does_not_spend_the_restart_budget()
    {
        var h = new Harness(Configs.Default() with { Restart = new RestartConfig { MaxRestarts = 0 } });
        h.Assign(1, ("orders", 0, null));

        for (var i = 0; i < 3; i++)
        {
            var worker = h.WorkerOf("orders", 0);
            h.Apply(new GroupEvent.OffsetOutOfRange(worker, i * 10));
            Assert.Single(h.Apply(new GroupEvent.WorkerStopped(worker)).OfType<GroupEffect.StartWorker>());
        }

        Assert.Equal(ManagerPhase.Active, h.State.Phase);
        Assert.DoesNotContain(h.History, e => e is GroupEffect.Fail);
    }

    [Fact]
    public void Offset_out_of_range_from_a_worker_already_stopping_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, 0));

        h.ApplyIgnored(new GroupEvent.OffsetOutOfRange(worker, 0), DiagnosticKind.UnknownWorker);
    }
}
