using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Offset out of range: the worker cannot go on from where it is, so it restarts where brod's
/// <c>offset_reset_policy</c> says.</summary>
public sealed class OffsetResetSpecs
{
    [Theory]
    [InlineData(OffsetResetPolicy.ResetToEarliest, StartPositionKind.Earliest)]
    [InlineData(OffsetResetPolicy.ResetToLatest, StartPositionKind.Latest)]
    public void Offset_out_of_range_restarts_the_worker_at_earliest_or_latest_per_the_offset_reset_policy(OffsetResetPolicy policy, StartPositionKind expected)
    {
        var h = new Harness(Configs.Default() with { Config = new ConsumerConfig { OffsetResetPolicy = policy } });
        h.Assign(1, ("orders", 0, 10));
        var worker = h.WorkerOf("orders", 0);
        h.Deliver("orders", 0, 10, 20);
        h.Ack("orders", 0, 1, 15);

        var reset = h.Apply(new GroupEvent.OffsetOutOfRange(worker));
        Assert.Equal(new GroupEffect.StopWorker(worker), reset[0]);
        Assert.Contains(reset, e => e is GroupEffect.Diagnostic { Kind: DiagnosticKind.OffsetReset });
        Assert.DoesNotContain(reset, e => e is GroupEffect.StartWorker);

        var restarted = h.Apply(new GroupEvent.WorkerStopped(worker));

        var start = Assert.IsType<GroupEffect.StartWorker>(Assert.Single(restarted));
        Assert.Equal(expected, start.Position.Kind);
        Assert.Equal(Tp("orders", 0), start.Partition);
    }

    [Fact]
    public void Offset_out_of_range_does_not_spend_the_restart_budget()
    {
        var h = new Harness(Configs.Default() with { Restart = new RestartConfig { MaxRestarts = 0 } });
        h.Assign(1, ("orders", 0, null));

        for (var i = 0; i < 3; i++)
        {
            var worker = h.WorkerOf("orders", 0);
            h.Apply(new GroupEvent.OffsetOutOfRange(worker));
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
        h.Apply(new GroupEvent.OffsetOutOfRange(worker));

        h.ApplyIgnored(new GroupEvent.OffsetOutOfRange(worker), DiagnosticKind.UnknownWorker);
    }
}
