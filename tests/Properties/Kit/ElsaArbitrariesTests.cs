using Elsa.Sim.Simulation;
using Elsa.Sim.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Elsa.Sim.Properties.Tests.Kit;

/// <summary>The public arbitraries generate what they promise, on a fixed sample, and shrink toward smaller values.</summary>
public sealed class ElsaArbitrariesTests
{
    private const int Samples = 200;

    [Fact]
    public void Group_shapes_are_valid_and_within_their_stated_bounds()
    {
        var shapes = ElsaArbitraries.GroupShapes().Generator.Sample(Samples, new Rnd(20_261_123), 20);

        Assert.All(shapes, s =>
        {
            Assert.Empty(s.Validate());
            Assert.InRange(s.Members, 1, 4);
            Assert.InRange(s.Topics, 1, 2);
            Assert.InRange(s.PartitionsPerTopic, 1, 6);
        });
        Assert.Contains(shapes, s => s.Members == 1);
        Assert.Contains(shapes, s => s.Protocol == RebalanceProtocol.Cooperative);
    }

    [Fact]
    public void Fault_schedules_use_only_the_shape_s_fault_kinds_inside_its_window_and_shrink_by_one_fault()
    {
        var shape = HandlerTestOptions.DefaultShape;
        var arbitrary = ElsaArbitraries.FaultSchedules(shape);

        var plans = arbitrary.Generator.Sample(Samples, new Rnd(20_261_124), 20);

        Assert.All(plans, plan => Assert.All(plan.Schedule, fault =>
        {
            Assert.Contains(fault.Kind, shape.Faults);
            Assert.InRange(fault.AtMs, 1, shape.FaultWindowMs);
        }));
        var big = plans.First(p => p.Schedule.Count > 1);
        Assert.All(arbitrary.Shrinker(big), smaller => Assert.Equal(big.Schedule.Count - 1, smaller.Schedule.Count));
    }

    [Fact]
    public void Groups_under_faults_target_only_their_own_members_and_partitions_before_and_after_shrinking()
    {
        var arbitrary = ElsaArbitraries.GroupsUnderFaults();

        var groups = arbitrary.Generator.Sample(Samples, new Rnd(20_261_127), 20);

        static void Fits(GroupUnderFaults group)
        {
            Assert.Empty(group.Shape.Validate());
            Assert.All(group.Plan.Schedule, fault =>
            {
                Assert.Contains(fault.Kind, group.Shape.Faults);
                Assert.InRange(fault.AtMs, 1, group.Shape.FaultWindowMs);
                Assert.InRange(fault.Member, 0, group.Shape.Members - 1);
                Assert.InRange(fault.Partition, 0, (group.Shape.Topics * group.Shape.PartitionsPerTopic) - 1);
            });
        }

        Assert.All(groups, Fits);
        var big = groups.First(g => g.Shape.Members > 1 && g.Shape.PartitionsPerTopic > 1 && g.Plan.Schedule.Count > 1);
        var smaller = arbitrary.Shrinker(big).ToArray();
        Assert.All(smaller, Fits);
        Assert.Contains(smaller, g => g.Shape == big.Shape && g.Plan.Schedule.Count == big.Plan.Schedule.Count - 1);
        Assert.Contains(smaller, g => g.Shape.Members == big.Shape.Members - 1 && g.Plan.Schedule.Count == big.Plan.Schedule.Count);
        Assert.Contains("fault(s); at ", big.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_kit_property_over_groups_under_faults_runs_with_fscheck()
    {
        var kit = new HandlerTestKit<Tally>(() => new Tally(), t => new DedupingTallyHandler(t));
        var property = Prop.ForAll(ElsaArbitraries.GroupsUnderFaults(), group =>
            kit.IdempotentUnderRedelivery(t => t.Describe(), options: new HandlerTestOptions { Shape = group.Shape, Plan = group.Plan, Seeds = 1 }).Passed);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(5).WithReplay(new Replay(new Rnd(20_261_128), null)), property);
    }

    [Fact]
    public void Message_batches_are_consecutive_offsets_of_one_partition_with_amounts()
    {
        var batches = ElsaArbitraries.Messages().Generator.Sample(Samples, new Rnd(20_261_125), 20);

        Assert.All(batches, batch =>
        {
            Assert.InRange(batch.Length, 1, 100);
            Assert.Single(batch.Select(m => (m.Topic, m.Partition)).Distinct());
            Assert.All(batch.Zip(batch.Skip(1)), pair => Assert.Equal(pair.First.Offset + 1, pair.Second.Offset));
            Assert.All(batch, m => Assert.InRange(Tally.Amount(m), 1, 100));
        });
    }

    [Fact]
    public void A_user_property_over_message_batches_runs_with_fscheck()
    {
        var property = Prop.ForAll(ElsaArbitraries.Messages(), batch =>
        {
            var tally = new Tally();
            var handler = new DedupingTallyHandler(tally);
            handler.HandleMessagesAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            var once = tally.Total;
            handler.HandleMessagesAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            return tally.Total == once;
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Samples).WithReplay(new Replay(new Rnd(20_261_126), null)), property);
    }
}
