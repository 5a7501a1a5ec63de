using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The classic group coordinator: join rounds, generations, member ids, heartbeats and session timeouts, a round
/// deadline that expels members who do not rejoin, static members (KIP-345: a restarted client with the same
/// <c>group.instance.id</c> takes its predecessor's place without a rebalance), a sticky assignor that serves the eager and
/// the cooperative protocol, and offset commits fenced by member id and generation. Members reach it through their
/// clients (<see cref="GroupClient"/>), over the network.</summary>
internal sealed class ClassicCoordinator(SimulatedCluster cluster) : GroupCoordinator(cluster)
{
    private readonly SortedDictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<TopicPartitionId, string> _owners = [];
    private readonly Dictionary<string, string> _instances = new(StringComparer.Ordinal);
    private bool _preparing;
    private int _round;
    private int _memberSequence;

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

        if (memberId is not null && !_members.ContainsKey(memberId))
        {
            return (CoordinatorResponse.UnknownMember, null);
        }

        if (memberId is null && client.InstanceId is { } instance && _instances.TryGetValue(instance, out var predecessor))
        {
            return (CoordinatorResponse.Ok, Replace(predecessor, client, owned));
        }

        if (!_preparing)
        {
            BeginRebalance();
        }

        memberId ??= NewMemberId(client);
        if (!_members.TryGetValue(memberId, out var member))
        {
            member = new GroupMember(memberId, client);
            _members.Add(memberId, member);
            if (client.InstanceId is { } staticId)
            {
                _instances[staticId] = memberId;
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

        if (!_members.TryGetValue(memberId, out var member))
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
        if (Available && _members.ContainsKey(memberId))
        {
            Remove(memberId);
        }
    }

    /// <inheritdoc />
    protected override CommitOutcome? Refuses(GroupClient client, string memberId, int stamp) =>
        _members.ContainsKey(memberId) && stamp == Generation ? null : CommitOutcome.Fenced;

    /// <inheritdoc />
    protected override void RestartSessions()
    {
        foreach (var member in _members.Values)
        {
            Touch(member);
        }
    }

    /// <inheritdoc />
    public override void ExpireSession(string memberId)
    {
        if (_members.ContainsKey(memberId))
        {
            Remove(memberId);
        }
    }

    /// <inheritdoc />
    public override bool ForceRebalance()
    {
        if (_preparing || _members.Count == 0 || !Available)
        {
            return false;
        }

        BeginRebalance();
        return true;
    }

    /// <inheritdoc />
    public override bool PartitionsChanged() => _preparing || _members.Count == 0 || ForceRebalance();

    /// <inheritdoc />
    public override bool IsMember(string? memberId) => memberId is not null && _members.ContainsKey(memberId);

    /// <inheritdoc />
    public override string? OwnerOf(TopicPartitionId partition) => _owners.GetValueOrDefault(partition);

    /// <summary>A static member's new client joined with its predecessor's <c>group.instance.id</c> (KIP-345): it takes
    /// the predecessor's place under a new member id, and the predecessor's id is fenced from now on. In a stable group it
    /// gets the predecessor's partitions back in the current generation, without a rebalance; during a round it counts as
    /// joined.</summary>
    private string Replace(string predecessorId, ClassicGroupClient client, IReadOnlyList<TopicPartitionId> owned)
    {
        Forget(predecessorId);
        var id = NewMemberId(client);
        var member = new GroupMember(id, client) { Joined = true, Claimed = owned };
        _members.Add(id, member);
        _instances[client.InstanceId!] = id;
        var partitions = new List<TopicPartitionId>();
        foreach (var (tp, owner) in _owners.ToArray())
        {
            if (owner == predecessorId)
            {
                _owners[tp] = id;
                partitions.Add(tp);
                Cluster.Oracle.Cause(tp);
            }
        }

        Touch(member);
        if (!_preparing && _owners.Count < Cluster.Partitions.Count)
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

    private string NewMemberId(ClassicGroupClient client) => $"member-{client.Member}-{++_memberSequence}";

    /// <summary>The member is no longer in the group, nor is its static instance id.</summary>
    private void Forget(string memberId)
    {
        _members.Remove(memberId);
        foreach (var (instance, id) in _instances.ToArray())
        {
            if (id == memberId)
            {
                _instances.Remove(instance);
            }
        }
    }

    private void Touch(GroupMember member)
    {
        member.LastSeenMs = Clock.NowMs;
        var id = member.Id;
        Clock.At(member.LastSeenMs + SessionTimeoutMs + 1, () => ExpireIfSilent(id));
    }

    private void ExpireIfSilent(string memberId)
    {
        if (!Available || !_members.TryGetValue(memberId, out var member) || (_preparing && member.Joined))
        {
            return;
        }

        if (Clock.NowMs - member.LastSeenMs > SessionTimeoutMs)
        {
            Remove(memberId);
        }
    }

    private void Remove(string memberId)
    {
        Forget(memberId);
        foreach (var (tp, owner) in _owners.ToArray())
        {
            if (owner == memberId)
            {
                _owners.Remove(tp);
                Cluster.Oracle.Cause(tp);
            }
        }

        if (_preparing)
        {
            TryCompleteRound();
        }
        else if (_members.Count > 0)
        {
            BeginRebalance();
        }
    }

    private void BeginRebalance()
    {
        _preparing = true;
        var round = ++_round;
        foreach (var member in _members.Values)
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
        foreach (var late in _members.Values.Where(m => !m.Joined).Select(m => m.Id).ToArray())
        {
            Forget(late);
        }

        TryCompleteRound();
    }

    private void TryCompleteRound()
    {
        if (!_preparing || _members.Values.Any(m => !m.Joined))
        {
            return;
        }

        _preparing = false;
        _owners.Clear();
        if (_members.Count == 0)
        {
            return;
        }

        Generation++;
        var generation = Generation;
        foreach (var (member, partitions) in Assign())
        {
            foreach (var tp in partitions)
            {
                _owners[tp] = member.Id;
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
        var members = _members.Values.ToList();
        var targets = StickyAssignor.Assign([.. members.Select(m => m.Claimed)], Cluster.Partitions, withholdOverShare: true);
        return [.. members.Select((m, i) => (m, targets[i]))];
    }

    private sealed class GroupMember(string id, ClassicGroupClient client)
    {
        public string Id { get; } = id;

        public ClassicGroupClient Client { get; } = client;

        public long LastSeenMs { get; set; }

        public bool Joined { get; set; }

        public IReadOnlyList<TopicPartitionId> Claimed { get; set; } = [];
    }
}
