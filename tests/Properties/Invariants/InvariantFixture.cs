using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Invariants;

/// <summary>States the real machine produced, for the invariant tests to break one condition at a time, and the
/// assertion that the checker names that condition.</summary>
internal static class InvariantFixture
{
    public static readonly TopicPartitionId Orders0 = Tp("orders", 0);

    /// <summary>orders/0 assigned in generation 1 and running worker w1, offsets 0..9 delivered, 4 acked.</summary>
    public static (GroupState State, PartitionState Partition) Running()
    {
        var h = Started();
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 4);
        return (h.State, h.State.Partitions[Orders0]);
    }

    /// <summary>orders/0 assigned in generation 1, its worker w1 started.</summary>
    public static Harness Started()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        return h;
    }

    /// <summary><paramref name="state"/> with orders/0 replaced by <paramref name="partition"/>.</summary>
    public static GroupState With(this GroupState state, PartitionState partition) =>
        state with { Partitions = state.Partitions.SetItem(partition.Partition, partition) };

    public static GroupEffect.CommitOffsets Commit(int generation, long next) => new(generation, ValueList.Of(new PartitionOffset(Orders0, next)));

    public static GroupEffect.StartWorker Start(long worker, int generation = 1) => new(new WorkerId(worker), Orders0, generation, StartPosition.At(5));

    /// <summary>Checks one step from <paramref name="before"/> to <paramref name="after"/> that emitted <paramref name="effects"/>.</summary>
    public static void CheckStep(GroupState before, GroupState after, params GroupEffect[] effects) =>
        GroupInvariants.CheckEffects(before, new Transition(after, ValueList.Of(effects)));

    /// <summary>Asserts that <paramref name="check"/> reports <paramref name="invariant"/> and that its detail names each of
    /// <paramref name="named"/> (the partition, worker, generation or offsets the broken condition is about).</summary>
    public static void AssertBreaks(string invariant, Action check, params string[] named)
    {
        var violation = Assert.Throws<InvariantViolationException>(check);
        Assert.Equal(invariant, violation.Invariant);
        Assert.Contains($"'{invariant}'", violation.Message, StringComparison.Ordinal);
        Assert.All(named, fact => Assert.Contains(fact, violation.Detail, StringComparison.Ordinal));
    }
}
