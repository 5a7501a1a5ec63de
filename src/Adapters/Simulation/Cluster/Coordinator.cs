using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The group coordinator: join rounds, generations, member ids, heartbeats and session timeouts, a round
/// deadline that expels members who do not rejoin, static members (KIP-345: a restarted client with the same
/// <c>group.instance.id</c> takes its predecessor's place without a rebalance), a sticky assignor that serves the eager and
/// the cooperative protocol, and offset commits fenced by member id and generation. Members reach it through their
/// clients (<see cref="GroupClient"/>), over the network.</summary>
internal sealed class Coordinator(SimulatedCluster cluster)
{
    private readonly SortedDictionary<string, GroupMember> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<TopicPartitionId, string> _owners = [];
    private readonly Dictionary<string, string> _instances = new(StringComparer.Ordinal);
    private bool _preparing;
    private long _unavailableUntilMs = -1;
    private int _round;
    private int _memberSequence;

    /// <summary>Committed offsets (Kafka's convention), as the coordinator stores them.</summary>
    public Dictionary<TopicPartitionId, long> Committed { get; } = [];

    public int Generation { get; private set; }

    /// <summary>Whether a rebalance round is under way (members are rejoining).</summary>
    public bool Preparing => _preparing;

    private SimClock Clock => cluster.Clock;

    private bool Available => Clock.NowMs >= _unavailableUntilMs;

    private long SessionTimeoutMs => cluster.SessionTimeoutMs;

    /// <summary>A member joins (or rejoins) the group, claiming what it still owns (cooperative) or nothing (eager).
    /// Returns the member id, or an error; the assignment arrives later, when the round completes.</summary>
    public (CoordinatorResponse Response, string? MemberId) Join(GroupClient client, string? memberId, IReadOnlyList<TopicPartitionId> owned)
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

    /// <summary>An offset commit. Fenced unless it comes from a current member in the current generation; the fault plan
    /// may fail it or lose its response.</summary>
    public CommitOutcome Commit(GroupClient client, string? memberId, int generation, IReadOnlyList<PartitionOffset> offsets)
    {
        if (!Available || client.TakeArmedFault(FaultKind.CommitFailure))
        {
            return CommitOutcome.RetriableError;
        }

        if (memberId is null || !_members.ContainsKey(memberId) || generation != Generation)
        {
            return CommitOutcome.Fenced;
        }

        foreach (var (tp, next) in offsets)
        {
            cluster.Oracle.CommitAccepted(client.Member, memberId, generation, tp, next, _owners.GetValueOrDefault(tp), Committed.TryGetValue(tp, out var was) ? was : null);
            Committed[tp] = next;
        }

        return client.TakeArmedFault(FaultKind.UnknownCommitOutcome) ? CommitOutcome.RetriableError : CommitOutcome.Success;
    }

    /// <summary>OffsetFetch: the committed offsets of <paramref name="partitions"/> (null for none), or null while the
    /// coordinator is unavailable.</summary>
    public IReadOnlyList<long?>? CommittedOffsets(IReadOnlyList<TopicPartitionId> partitions) =>
        Available ? [.. partitions.Select(tp => Committed.TryGetValue(tp, out var offset) ? offset : (long?)null)] : null;

    /// <summary>The coordinator moves: unavailable for a while, then every session starts afresh (the new coordinator
    /// has no heartbeat history).</summary>
    public void Move(long durationMs)
    {
        _unavailableUntilMs = Clock.NowMs + durationMs;
        Clock.At(_unavailableUntilMs, () =>
        {
            foreach (var member in _members.Values)
            {
                Touch(member);
            }
        });
    }

    /// <summary>The member's session expires now, whatever its heartbeats: it is removed from the group, and learns it at
    /// its next request (a systematic test's way to make a loss land exactly when it races something).</summary>
    public void ExpireSession(string memberId)
    {
        if (_members.ContainsKey(memberId))
        {
            Remove(memberId);
        }
    }

    /// <summary>Forces a rebalance, as a metadata change or a member's rejoin would.</summary>
    public bool ForceRebalance()
    {
        if (_preparing || _members.Count == 0 || !Available)
        {
            return false;
        }

        BeginRebalance();
        return true;
    }

    /// <summary>True while <paramref name="memberId"/> belongs to the group; false once it left or was expelled.</summary>
    public bool IsMember(string? memberId) => memberId is not null && _members.ContainsKey(memberId);

    /// <summary>The member that owns <paramref name="partition"/> in the current generation, if any.</summary>
    public string? OwnerOf(TopicPartitionId partition) => _owners.GetValueOrDefault(partition);

    /// <summary>A static member's new client joined with its predecessor's <c>group.instance.id</c> (KIP-345): it takes
    /// the predecessor's place under a new member id, and the predecessor's id is fenced from now on. In a stable group it
    /// gets the predecessor's partitions back in the current generation, without a rebalance; during a round it counts as
    /// joined.</summary>
    private string Replace(string predecessorId, GroupClient client, IReadOnlyList<TopicPartitionId> owned)
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
                cluster.Oracle.Cause(tp);
            }
        }

        Touch(member);
        if (!_preparing && _owners.Count < cluster.Partitions.Count)
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

    private string NewMemberId(GroupClient client) => $"member-{client.Member}-{++_memberSequence}";

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
                cluster.Oracle.Cause(tp);
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
            Clock.At(_unavailableUntilMs + SessionTimeoutMs, () => OnRoundDeadline(round));
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

    /// <summary>Sticky assignment: members keep what they claim up to their fair share; the rest of the free partitions
    /// go to the least loaded. A claimed partition over a member's share is withheld for one round, so its owner revokes
    /// it before anyone else gets it (cooperative). Eager members claim nothing, so this is a plain balanced spread.</summary>
    private List<(GroupMember Member, IReadOnlyList<TopicPartitionId> Partitions)> Assign()
    {
        var members = _members.Values.ToList();
        var all = cluster.Partitions;
        var claimedBy = new Dictionary<TopicPartitionId, GroupMember>();
        foreach (var member in members)
        {
            foreach (var tp in member.Claimed.Order())
            {
                claimedBy.TryAdd(tp, member);
            }
        }

        var targets = members.ToDictionary(m => m, _ => new List<TopicPartitionId>());
        var quota = new Dictionary<GroupMember, int>();
        for (var i = 0; i < members.Count; i++)
        {
            quota[members[i]] = (all.Count / members.Count) + (i < all.Count % members.Count ? 1 : 0);
        }

        foreach (var (tp, member) in claimedBy.OrderBy(kv => kv.Key))
        {
            if (targets[member].Count < quota[member])
            {
                targets[member].Add(tp);
            }
        }

        foreach (var tp in all)
        {
            if (!claimedBy.ContainsKey(tp))
            {
                var least = members.OrderBy(m => targets[m].Count >= quota[m] ? 1 : 0).ThenBy(m => targets[m].Count).First();
                targets[least].Add(tp);
            }
        }

        return members.Select(m => (m, (IReadOnlyList<TopicPartitionId>)targets[m].Order().ToArray())).ToList();
    }

    private sealed class GroupMember(string id, GroupClient client)
    {
        public string Id { get; } = id;

        public GroupClient Client { get; } = client;

        public long LastSeenMs { get; set; }

        public bool Joined { get; set; }

        public IReadOnlyList<TopicPartitionId> Claimed { get; set; } = [];
    }
}
