using Elsa.Sim.Properties.Tests.Support;

namespace Elsa.Sim.Properties.Tests.Spec;

public sealed class SmokeTests
{
    [Fact]
    public void Assigned_partition_gets_a_worker_at_its_committed_offset()
    {
        var h = new Harness();
        var effects = h.Assign(1, ("orders", 0, 42));
        var start = Assert.Single(effects.OfType<GroupEffect.StartWorker>());
        Assert.Equal(StartPosition.At(42), start.Position);
    }
}
