using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The classic group coordinator: join rounds, generations, member ids, heartbeats and session timeouts, a round
/// deadline that expels members who do not rejoin, static members (KIP-345: a restarted client with the same
/// <c>group.instance.id</c> takes its predecessor's place without a rebalance), a sticky assignor that serves the eager and
/// the cooperative protocol, and offset commits fenced by member id and generation. Members reach it through their
/// clients (<see cref="GroupClient"/>), over the network.</summary>
internal sealed class ClassicCoordinator(SimulatedCluster cluster) : GroupMembership<ClassicCoordinator.GroupMember>(cluster)
{
    private bool _preparing;
    private int _round;

    public int Generation { get; private set; }

    /// <summary>Whether a rebalance round is under way (members are rejoining).</summary>
    public override bool Preparing => _preparing;

    /// <summary>A member joins (or rejoins) the group, claiming what it still owns (cooperative) or nothing (eager).
    /// Returns the member id, or an error; the assignment arrives later, when the round completes.</summary>
    public (CoordinatorResponse Response, string? MemberId) Join(ClassicGroupClient client, string? memberId, IReadOnlyList<TopicPartitionId> owned)
    {
        if (!Available)
        {
            return (CoordinatorResponse.Retriable, null);
        }

        if (memberId is not null && !Members.ContainsKey(memberId))
        {
            return (CoordinatorResponse.UnknownMember, null);
        }

        if (memberId is null && client.InstanceId is { } instance && Instances.TryGetValue(instance, out var predecessor))
        {
            return (CoordinatorResponse.Ok, Replace(predecessor, client, owned));
        }

        if (!_preparing)
        {
            BeginRebalance();
        }

        memberId ??= NewMemberId(client);
        if (!Members.TryGetValue(memberId, out var member))
        {
            member = new GroupMember(memberId, client);
            Members.Add(memberId, member);
            if (client.InstanceId is { } staticId)
            {
                Instances[staticId] = memberId;
            }
        }

        member.Joined = true;
        member.Claimed = owned;
        Touch(member);
        TryCompleteRound();
        return (CoordinatorResponse.Ok, memberId);
    }

    public CoordinatorResponse Heartbeat(string memberId, int generation)
    {
        if (!Available)
        {
            return CoordinatorResponse.Retriable;
        }

        if (!Members.TryGetValue(memberId, out var member))
        {
            return CoordinatorResponse.UnknownMember;
        }

        Touch(member);
        if (_preparing && !member.Joined)
        {
            return CoordinatorResponse.RebalanceInProgress;
        }

        return generation == Generation || member.Joined ? CoordinatorResponse.Ok : CoordinatorResponse.IllegalGeneration;
    }

    public void Leave(string memberId)
    {
        if (Available && Members.ContainsKey(memberId))
        {
            Remove(memberId);
        }
    }

    /// <inheritdoc />
    protected override CommitOutcome? Refuses(GroupClient client, string memberId, int stamp) =>
        Members.ContainsKey(memberId) && stamp == Generation ? null : CommitOutcome.Fenced;

    /// <inheritdoc />
    public override bool ForceRebalance()
    {
        if (_preparing || Members.Count == 0 || !Available)
        {
            return false;
        }

        BeginRebalance();
        return true;
    }

    /// <inheritdoc />
    public override bool PartitionsChanged() => _preparing || Members.Count == 0 || ForceRebalance();

    /// <summary>A static member's new client joined with its predecessor's <c>group.instance.id</c> (KIP-345): it takes
    /// the predecessor's place under a new member id, and the predecessor's id is fenced from now on. In a stable group it
    /// gets the predecessor's partitions back in the current generation, without a rebalance; during a round it counts as
    /// joined.</summary>
    private string Replace(string predecessorId, ClassicGroupClient client, IReadOnlyList<TopicPartitionId> owned)
    {
        Forget(predecessorId);
        var id = NewMemberId(client);
        var member = new GroupMember(id, client) { Joined = true, Claimed = owned };
        Members.Add(id, member);
        Instances[client.InstanceId!] = id;
        var partitions = new List<TopicPartitionId>();
        foreach (var (tp, owner) in Owners.ToArray())
        {
            if (owner == predecessorId)
            {
                Owners[tp] = id;
                partitions.Add(tp);
                Cluster.Oracle.Cause(tp);
            }
        }

        Touch(member);
        if (!_preparing && Owners.Count < Cluster.Partitions.Count)
        {
            // The last round withheld partitions from the predecessor (cooperative), which was to revoke them and rejoin so
            // the next round hands them on; its successor holds none of them and never will, so the coordinator starts
            // that round itself.
            BeginRebalance();
            member.Joined = true;
        }

        if (_preparing)
        {
            TryCompleteRound();
        }
        else
        {
            // SyncGroup's answer, as in a completed round: the partitions the predecessor held.
            var generation = Generation;
            IReadOnlyList<TopicPartitionId> assigned = [.. partitions.Order()];
            Clock.After(0, () => client.FromCoordinator(() => client.OnAssigned(id, generation, assigned)));
        }

        return id;
    }

    /// <inheritdoc />
    protected override bool SessionHeld(GroupMember member) => _preparing && member.Joined;

    /// <inheritdoc />
    protected override void AfterRemoval()
    {
        if (_preparing)
        {
            TryCompleteRound();
        }
        else if (Members.Count > 0)
        {
            BeginRebalance();
        }
    }

    private void BeginRebalance()
    {
        _preparing = true;
        var round = ++_round;
        foreach (var member in Members.Values)
        {
            member.Joined = false;
        }

        Clock.After(SessionTimeoutMs, () => OnRoundDeadline(round));
    }

    private void OnRoundDeadline(int round)
    {
        if (round != _round || !_preparing)
        {
            return;
        }

        if (!Available)
        {
            Clock.At(UnavailableUntilMs + SessionTimeoutMs, () => OnRoundDeadline(round));
            return;
        }

        // Members that did not rejoin in time are removed from the group.
        foreach (var late in Members.Values.Where(m => !m.Joined).Select(m => m.Id).ToArray())
        {
            Forget(late);
        }

        TryCompleteRound();
    }

    private void TryCompleteRound()
    {
        if (!_preparing || Members.Values.Any(m => !m.Joined))
        {
            return;
        }

        _preparing = false;
        Owners.Clear();
        if (Members.Count == 0)
        {
            return;
        }

        Generation++;
        var generation = Generation;
        foreach (var (member, partitions) in Assign())
        {
            foreach (var tp in partitions)
            {
                Owners[tp] = member.Id;
            }

            // SyncGroup's answer follows JoinGroup's: delivered after the join response already under way.
            var id = member.Id;
            Clock.After(0, () => member.Client.FromCoordinator(() => member.Client.OnAssigned(id, generation, partitions)));
        }
    }

    /// <summary>Sticky assignment over what members claim (<see cref="StickyAssignor"/>); eager members claim nothing,
    /// so this is a plain balanced spread.</summary>
    private List<(GroupMember Member, IReadOnlyList<TopicPartitionId> Partitions)> Assign()
    {
        var members = Members.Values.ToList();
        var targets = StickyAssignor.Assign([.. members.Select(m => m.Claimed)], Cluster.Partitions, withholdOverShare: true);
        return [.. members.Select((m, i) => (m, targets[i]))];
    }

    internal sealed class GroupMember(string id, ClassicGroupClient client) : CoordinatorMember(id)
    {
        public ClassicGroupClient Client { get; } = client;

        public bool Joined { get; set; }

        public IReadOnlyList<TopicPartitionId> Claimed { get; set; } = [];
    }
}
