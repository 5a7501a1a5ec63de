using Elsa.Sim.Properties.Tests.Support;
using static Elsa.Sim.Properties.Tests.Support.Harness;

namespace Elsa.Sim.Properties.Tests.Spec;

/// <summary>Acks: Elsa's <c>ack/5</c> (topic, partition, generation, offset of the last message handled), accepted only
/// from the partition's current ownership, only forward, and only up to what was delivered.</summary>
public sealed class AckSpecs
{
    [Fact]
    public void Acked_event_takes_Elsas_ack_5_arguments_and_commits_the_offset_after_the_one_handled()
    {
        var h = new Harness(Configs.Default(directAck: true));
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 4);

        var effects = h.Apply(new GroupEvent.Acked(Topic: "orders", Partition: 0, GenerationId: 1, Offset: 4));

        Assert.Equal(new GroupEffect[] { new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 5))) }, effects);
        Assert.Equal(4, h.State.Partitions[Tp("orders", 0)].LastAckedOffset);
        Assert.Throws<ArgumentNullException>(() => new GroupEvent.Acked(null!, 0, 1, 4));
    }

    [Fact]
    public void Ack_in_the_current_generation_is_committed_as_the_next_offset_in_one_batch()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null), ("orders", 1, 100));
        h.Deliver("orders", 0, 0, 9);
        h.Deliver("orders", 1, 100, 109);

        Assert.Empty(h.Ack("orders", 0, 1, 3));
        Assert.Empty(h.Ack("orders", 0, 1, 7));
        Assert.Empty(h.Ack("orders", 1, 1, 100));

        var commit = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(
            new GroupEffect.CommitOffsets(1, ValueList.Of(new PartitionOffset(Tp("orders", 0), 8), new PartitionOffset(Tp("orders", 1), 101))),
            commit);
        Assert.Equal(7, h.State.Partitions[Tp("orders", 0)].LastAckedOffset);
    }

    [Fact]
    public void Ack_from_an_older_generation_is_ignored_and_never_committed()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.ConfirmStops(h.Apply(new GroupEvent.AssignmentsRevoked(PartitionSelection.All)));
        h.Assign(2, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 5), DiagnosticKind.StaleAck);
        h.Tick(5_000);
        h.Tick(10_000);

        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
        Assert.Null(h.State.Partitions[Tp("orders", 0)].LastAckedOffset);
    }

    [Fact]
    public void Ack_from_an_unknown_generation_is_ignored_and_never_committed()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 7, 5), DiagnosticKind.StaleAck);
        h.Tick(5_000);

        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
    }

    [Fact]
    public void Ack_tagged_with_an_earlier_generation_of_an_unbroken_ownership_is_accepted()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Assign(2, ("orders", 1, null));

        Assert.Empty(h.Ack("orders", 0, 1, 5));
        var commit = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());

        Assert.Equal(new GroupEffect.CommitOffsets(2, ValueList.Of(new PartitionOffset(Tp("orders", 0), 6))), commit);
    }

    [Fact]
    public void Ack_that_goes_backwards_or_repeats_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));
        h.Deliver("orders", 0, 0, 9);
        h.Ack("orders", 0, 1, 7);

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 3), DiagnosticKind.AckNotAhead);
        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 7), DiagnosticKind.AckNotAhead);

        var commit = Assert.Single(h.Tick(5_000).OfType<GroupEffect.CommitOffsets>());
        Assert.Equal(8, Assert.Single(commit.Offsets).NextOffset);
    }

    [Fact]
    public void Ack_at_or_below_the_committed_offset_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, 50));
        var worker = h.WorkerOf("orders", 0);
        h.Apply(new GroupEvent.OffsetOutOfRange(worker, 50));
        h.Apply(new GroupEvent.WorkerStopped(worker));
        h.Deliver("orders", 0, 0, 60);

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 49), DiagnosticKind.AckNotAhead);
        Assert.Empty(h.Ack("orders", 0, 1, 50));
    }

    [Fact]
    public void Ack_past_the_last_delivered_offset_is_ignored()
    {
        var h = new Harness();
        h.Assign(1, ("orders", 0, null));

        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 0), DiagnosticKind.InvalidAck);
        h.Deliver("orders", 0, 0, 4);
        h.ApplyIgnored(new GroupEvent.Acked("orders", 0, 1, 5), DiagnosticKind.InvalidAck);
        h.Tick(5_000);

        Assert.DoesNotContain(h.History, e => e is GroupEffect.CommitOffsets);
    }
}
