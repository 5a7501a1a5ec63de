using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Properties.Tests.Simulation;

/// <summary>The simulated cluster's KIP-848 coordinator, driven directly (the world's clock never runs): incremental
/// reconciliation member by member, and commits fenced by member epoch.</summary>
public sealed class ConsumerCoordinatorTests
{
    private readonly World _world = new(new SimulationOptions { Protocol = RebalanceProtocol.Consumer, Topics = 1, PartitionsPerTopic = 4 }, seed: 1, FaultPlan.None, trace: null);

    private ConsumerCoordinator Coordinator => (ConsumerCoordinator)_world.Cluster.Coordinator;

    private static TopicPartitionId P(int partition) => new("topic-0", partition);

    [Fact]
    public void A_joining_member_gets_a_moved_partition_only_after_its_owner_revoked_it_and_the_owner_keeps_the_rest_undisturbed()
    {
        var a = Client(0);
        var first = Coordinator.Heartbeat(a, null, 0, []);
        Assert.Equal([P(0), P(1), P(2), P(3)], first.Assignment);
        var aId = first.MemberId!;

        var b = Client(1);
        var joined = Coordinator.Heartbeat(b, null, 0, []);
        var bId = joined.MemberId!;
        Assert.Empty(joined.Assignment); // everything is still a's
        Assert.True(Coordinator.GroupEpoch > first.Epoch);

        // a is told to keep two partitions and revoke the other two; its epoch stays until it has.
        var revoke = Coordinator.Heartbeat(a, aId, first.Epoch, [P(0), P(1), P(2), P(3)]);
        Assert.Equal(2, revoke.Assignment.Count);
        Assert.Equal(first.Epoch, revoke.Epoch);
        var moving = new[] { P(0), P(1), P(2), P(3) }.Except(revoke.Assignment).ToArray();
        Assert.Empty(Coordinator.Heartbeat(b, bId, joined.Epoch, []).Assignment);
        Assert.All(moving, tp => Assert.Equal(aId, Coordinator.OwnerOf(tp)));

        // a reports the revocation: its epoch advances, and b gets the released partitions.
        var revoked = Coordinator.Heartbeat(a, aId, first.Epoch, revoke.Assignment);
        Assert.Equal(revoke.Assignment, revoked.Assignment);
        Assert.Equal(Coordinator.GroupEpoch, revoked.Epoch);
        var handedOn = Coordinator.Heartbeat(b, bId, joined.Epoch, []);
        Assert.Equal(moving.Order(), handedOn.Assignment);
        Assert.All(moving, tp => Assert.Equal(bId, Coordinator.OwnerOf(tp)));
        Assert.False(Coordinator.Preparing);
    }

    [Fact]
    public void A_commit_with_a_stale_member_epoch_is_retriable_one_from_an_unknown_member_is_fenced_and_a_current_one_lands()
    {
        var a = Client(0);
        var first = Coordinator.Heartbeat(a, null, 0, []);
        Coordinator.Heartbeat(Client(1), null, 0, []);
        var bumped = Coordinator.Heartbeat(a, first.MemberId, first.Epoch, []);
        Assert.True(bumped.Epoch > first.Epoch);

        Assert.Equal(CommitOutcome.RetriableError, Coordinator.Commit(a, first.MemberId, first.Epoch, [new PartitionOffset(bumped.Assignment[0], 5)]));
        Assert.False(Coordinator.Committed.ContainsKey(bumped.Assignment[0]));
        Assert.Equal(CommitOutcome.Fenced, Coordinator.Commit(a, "member-9-99", bumped.Epoch, [new PartitionOffset(bumped.Assignment[0], 5)]));
        Assert.Equal(CommitOutcome.Success, Coordinator.Commit(a, first.MemberId, bumped.Epoch, [new PartitionOffset(bumped.Assignment[0], 5)]));
        Assert.Equal(5, Coordinator.Committed[bumped.Assignment[0]]);
    }

    [Fact]
    public void A_member_that_left_releases_its_partitions_and_its_heartbeat_is_fenced_from_then_on()
    {
        var a = Client(0);
        var first = Coordinator.Heartbeat(a, null, 0, []);
        var bClient = Client(1);
        var b = Coordinator.Heartbeat(bClient, null, 0, []);
        Coordinator.Leave(first.MemberId!);

        Assert.All(first.Assignment, tp => Assert.Null(Coordinator.OwnerOf(tp)));
        Assert.Equal(CoordinatorResponse.UnknownMember, Coordinator.Heartbeat(a, first.MemberId, first.Epoch, first.Assignment).Response);
        Assert.Equal([P(0), P(1), P(2), P(3)], Coordinator.Heartbeat(bClient, b.MemberId, b.Epoch, []).Assignment);
    }

    [Fact]
    public void A_member_that_does_not_revoke_within_the_rebalance_timeout_is_removed_and_its_partitions_handed_on()
    {
        var a = Client(0);
        var first = Coordinator.Heartbeat(a, null, 0, []);
        var b = Client(1);
        var joined = Coordinator.Heartbeat(b, null, 0, []);

        // a keeps heartbeating (its session stays alive) but never reports the revocation it was asked for; b waits.
        var keep = Coordinator.Heartbeat(a, first.MemberId, first.Epoch, first.Assignment).Assignment;
        Assert.Equal(2, keep.Count);
        var bLatest = joined;
        for (var second = 0; second < 12; second++)
        {
            _world.Cluster.Clock.Advance(TimeSpan.FromSeconds(1));
            if (Coordinator.IsMember(first.MemberId))
            {
                Assert.Equal(keep, Coordinator.Heartbeat(a, first.MemberId, first.Epoch, first.Assignment).Assignment);
            }

            bLatest = Coordinator.Heartbeat(b, bLatest.MemberId, bLatest.Epoch, bLatest.Assignment);
            if (Coordinator.IsMember(first.MemberId))
            {
                Assert.Empty(bLatest.Assignment); // nothing is handed on while a still owns it
            }
        }

        Assert.False(Coordinator.IsMember(first.MemberId));
        Assert.Equal([P(0), P(1), P(2), P(3)], bLatest.Assignment);
    }

    [Fact]
    public void A_static_members_new_incarnation_takes_its_place_assignment_and_epoch_and_the_old_one_is_fenced()
    {
        var old = StaticClient(0);
        var first = Coordinator.Heartbeat(old, null, 0, []);
        var epoch = Coordinator.GroupEpoch;

        var incarnation = StaticClient(0);
        var replaced = Coordinator.Heartbeat(incarnation, null, 0, []);

        Assert.NotEqual(first.MemberId, replaced.MemberId);
        Assert.Equal(first.Assignment, replaced.Assignment);
        Assert.Equal(first.Epoch, replaced.Epoch);
        Assert.Equal(epoch, Coordinator.GroupEpoch); // no rebalance
        Assert.Equal(CoordinatorResponse.UnknownMember, Coordinator.Heartbeat(old, first.MemberId, first.Epoch, first.Assignment).Response);
        Assert.Equal(CommitOutcome.Fenced, Coordinator.Commit(old, first.MemberId, first.Epoch, [new PartitionOffset(P(0), 3)]));
        Assert.All(first.Assignment, tp => Assert.Equal(replaced.MemberId, Coordinator.OwnerOf(tp)));
    }

    private GroupClient StaticClient(int member) =>
        new SimulatedPort(_world.Cluster, member, SimRandom.Stream(1, (ulong)member), new Lifetime(), instanceId: $"instance-{member}").Client;

    private GroupClient Client(int member) =>
        new SimulatedPort(_world.Cluster, member, SimRandom.Stream(1, (ulong)member), new Lifetime()).Client;
}
