using Elsa.Sim.Core;
using Elsa.Sim.Simulation;
using FsCheck;
using FsCheck.Fluent;

namespace Elsa.Sim.Testing;

/// <summary>FsCheck arbitraries for composing your own properties: seeds, group shapes, fault schedules and batches of
/// messages. Each shrinks toward something smaller (a smaller group, fewer faults, a shorter batch).</summary>
public static class ElsaArbitraries
{
    /// <summary>Seeds for the simulator (1 .. <see cref="int.MaxValue"/>).</summary>
    public static Arbitrary<ulong> Seeds() =>
        Arb.From(Gen.Choose(1, int.MaxValue).Select(s => (ulong)s), seed => seed > 1 ? [1UL, seed / 2] : []);

    /// <summary>Group shapes around <paramref name="template"/> (default <see cref="HandlerTestOptions.DefaultShape"/>):
    /// 1–4 members, 1–2 topics of 1–6 partitions, the eager or cooperative protocol or one drawn per seed. Every shape
    /// generated is valid.</summary>
    public static Arbitrary<SimulationOptions> GroupShapes(SimulationOptions? template = null)
    {
        var baseline = template ?? HandlerTestOptions.DefaultShape;
        RebalanceProtocol?[] protocols = [null, RebalanceProtocol.Eager, RebalanceProtocol.Cooperative];
        var shapes =
            from members in Gen.Choose(1, 4)
            from topics in Gen.Choose(1, 2)
            from partitions in Gen.Choose(1, 6)
            from protocol in Gen.Elements(protocols)
            select baseline with { Members = members, Topics = topics, PartitionsPerTopic = partitions, Protocol = protocol };
        return Arb.From(shapes, SmallerShapes);
    }

    /// <summary>Fault schedules for <paramref name="shape"/>, as a seed would draw them (only the shape's fault kinds,
    /// inside its fault window); shrinking removes one fault at a time.</summary>
    public static Arbitrary<FaultPlan> FaultSchedules(SimulationOptions shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.EnsureValid();
        return Arb.From(Seeds().Generator.Select(seed => FaultPlan.Draw(seed, shape)), FewerFaults);
    }

    /// <summary>One batch as a handler receives it: 1–100 consecutive offsets of one partition, starting anywhere in
    /// 0..10 000, with the kit's default contents (<see cref="HandlerTestOptions.DefaultContent"/>).</summary>
    public static Arbitrary<ConsumedMessage[]> Messages(string topic = "topic-0", int partitions = 4)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(partitions);
        var batches =
            from partition in Gen.Choose(0, partitions - 1)
            from first in Gen.Choose(0, 10_000)
            from count in Gen.Choose(1, 100)
            from generation in Gen.Choose(1, 10)
            select Batch(new TopicPartitionId(topic, partition), first, count, generation);
        return Arb.From(batches, ShorterBatches);
    }

    /// <summary>A group shape around <paramref name="template"/> (as <see cref="GroupShapes"/>) together with a fault
    /// schedule drawn for that shape (as <see cref="FaultSchedules"/>): every fault targets one of its members and
    /// partitions. Shrinking removes a fault at a time, then shrinks the group, retargeting faults as a run would resolve
    /// them (index modulo the members, the partitions), so every shrunk value still fits.</summary>
    public static Arbitrary<GroupUnderFaults> GroupsUnderFaults(SimulationOptions? template = null)
    {
        var groups =
            from shape in GroupShapes(template).Generator
            from seed in Seeds().Generator
            select new GroupUnderFaults(shape, FaultPlan.Draw(seed, shape));
        return Arb.From(groups, SmallerGroupsUnderFaults);
    }

    private static ConsumedMessage[] Batch(TopicPartitionId tp, long first, int count, int generation) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var body = HandlerTestOptions.DefaultContent(tp, first + i);
            return UserHandler.Message(tp, first + i, generation, body.Key, body.Value);
        })];

    private static IEnumerable<GroupUnderFaults> SmallerGroupsUnderFaults(GroupUnderFaults group) =>
        FewerFaults(group.Plan).Select(plan => group with { Plan = plan })
            .Concat(SmallerShapes(group.Shape).Select(shape => new GroupUnderFaults(shape, Retargeted(group.Plan, shape))));

    private static FaultPlan Retargeted(FaultPlan plan, SimulationOptions shape) =>
        plan.WithSchedule(plan.Schedule.Select(f => f with
        {
            Member = f.Member % shape.Members,
            Partition = f.Partition % (shape.Topics * shape.PartitionsPerTopic),
        }));

    private static IEnumerable<SimulationOptions> SmallerShapes(SimulationOptions shape)
    {
        if (shape.Members > 1)
        {
            yield return shape with { Members = shape.Members - 1 };
        }

        if (shape.Topics > 1)
        {
            yield return shape with { Topics = shape.Topics - 1 };
        }

        if (shape.PartitionsPerTopic > 1)
        {
            yield return shape with { PartitionsPerTopic = shape.PartitionsPerTopic - 1 };
        }
    }

    private static IEnumerable<FaultPlan> FewerFaults(FaultPlan plan) =>
        plan.Schedule.Select((_, i) => plan.WithSchedule(plan.Schedule.Where((_, j) => j != i)));

    private static IEnumerable<ConsumedMessage[]> ShorterBatches(ConsumedMessage[] batch) =>
        batch.Length > 1 ? [batch[..(batch.Length / 2)], batch[..^1]] : [];
}
