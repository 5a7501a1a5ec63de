using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Systematic.Tests.Monitors;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.Runtime;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Broker;

/// <summary>A small Kafka broker and group coordinator for systematic tests: one topic's logs, the group's committed
/// offsets, members and generations, and rebalances a scenario requests. Rebalances follow Kafka's protocol in the parts
/// the host depends on: members revoke first (eager: everything; cooperative: only what moves), the generation advances
/// once every member has revoked, then each member receives its assignment, and with it joins the new generation (as a
/// Kafka member does at SyncGroup, before its assignment callback runs). Commits are fenced unless the member is in the
/// current generation, as the real coordinator does with a stale generation or during a rebalance.</summary>
/// <remarks>Every method is called from controlled tasks; callbacks into the host are made by <see cref="SimulatedPort"/>,
/// never under this lock.</remarks>
internal sealed class SimulatedCluster
{
    public const string Topic = "orders";

    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, long> _ends = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private readonly Dictionary<string, MemberView> _members = new(StringComparer.Ordinal);
    private readonly Queue<(IReadOnlyDictionary<string, TopicPartition[]> Target, bool Cooperative)> _plans = new();
    private readonly Dictionary<string, int> _commitsInFlight = new(StringComparer.Ordinal);
    private readonly Happenings _happenings;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Phase _phase = Phase.Stable;
    private int _generation;

    public SimulatedCluster(int partitions, long messagesPerPartition, Happenings happenings)
    {
        _happenings = happenings;
        Partitions = [.. Enumerable.Range(0, partitions).Select(p => new TopicPartition(Topic, p))];
        foreach (var partition in Partitions)
        {
            Produce(partition, messagesPerPartition);
        }
    }

    private enum Phase
    {
        Stable,
        Revoking,
        Assigning,
    }

    public IReadOnlyList<TopicPartition> Partitions { get; }

    /// <summary>Completes at the next change a waiting consumer may care about (a rebalance, a produce, a resume).</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    /// <summary>Whether the group is at rest: no rebalance under way or queued, no member in a callback, expired or fenced.
    /// Then every member is in the current generation, and its commits are accepted.</summary>
    public bool IsStable
    {
        get
        {
            lock (_gate)
            {
                return _phase == Phase.Stable && _plans.Count == 0 &&
                    _members.Values.All(m => !m.InCallback && !m.Revoking && !m.LossPending && !m.Fenced);
            }
        }
    }

    /// <summary>Whether a rebalance waits behind the one under way.</summary>
    public bool RebalanceQueued
    {
        get
        {
            lock (_gate)
            {
                return _plans.Count > 0;
            }
        }
    }

    /// <summary>Whether any member's client is in a revoke or lost callback.</summary>
    public bool AnyRevoking
    {
        get
        {
            lock (_gate)
            {
                return _members.Values.Any(m => m.Revoking);
            }
        }
    }

    /// <summary>Whether the member's client is in a revoke or lost callback the coordinator handed out.</summary>
    public bool IsRevoking(string member)
    {
        lock (_gate)
        {
            return _members.TryGetValue(member, out var view) && view.Revoking;
        }
    }

    /// <summary>The partitions the coordinator has the member own.</summary>
    public IReadOnlyList<TopicPartition> AssignedTo(string member)
    {
        lock (_gate)
        {
            return _members.TryGetValue(member, out var view) ? [.. view.Assigned.Order()] : [];
        }
    }

    public long End(TopicPartition partition)
    {
        lock (_gate)
        {
            return _ends.GetValueOrDefault(partition);
        }
    }

    public void Join(string member)
    {
        lock (_gate)
        {
            _members.TryAdd(member, new MemberView());
        }

        Signal();
    }

    /// <summary>Completes once <paramref name="member"/> joined the group (its client subscribed): scenarios rebalance
    /// only members the coordinator knows, as a real coordinator would.</summary>
    public async Task JoinedAsync(string member)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_members.ContainsKey(member))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed;
        }
    }

    /// <summary>Queues a rebalance to <paramref name="target"/> (member → partitions); it starts once the one before it
    /// finished. Members not named get nothing.</summary>
    public void Rebalance(IReadOnlyDictionary<string, TopicPartition[]> target, bool cooperative = false)
    {
        lock (_gate)
        {
            _plans.Enqueue((target, cooperative));
            if (_phase == Phase.Stable)
            {
                BeginNextPlan();
            }
        }

        Signal();
    }

    /// <summary>The member's session expired: its partitions are lost (reported at its next poll) and its commits fenced
    /// until it is assigned again, which takes a <see cref="Rebalance"/> naming it.</summary>
    public void Expire(string member)
    {
        bool duringCommit;
        lock (_gate)
        {
            var view = _members[member];
            view.LossPending = true;
            view.Fenced = true;
            duringCommit = _commitsInFlight.GetValueOrDefault(member) > 0;
        }

        if (duringCommit)
        {
            _happenings.Saw(Race.LossDuringCommit);
        }

        Signal();
    }

    /// <summary>What the member's client must do next, taken at the start of each poll.</summary>
    public Callback NextCallback(string member)
    {
        lock (_gate)
        {
            if (!_members.TryGetValue(member, out var view))
            {
                return Callback.None;
            }

            if (view.LossPending)
            {
                view.LossPending = false;
                var lost = view.Assigned.Order().ToArray();
                view.Assigned.Clear();
                view.Revoke = [];
                view.Revoking = true;
                if (_phase == Phase.Revoking)
                {
                    EndRevokingIfDone();
                }

                return new Callback(CallbackKind.Lost, lost);
            }

            if (_phase == Phase.Revoking && view.Revoke.Length > 0 && !view.InCallback)
            {
                view.InCallback = true;
                view.Revoking = true;
                return new Callback(CallbackKind.Revoke, view.Revoke);
            }

            if (_phase == Phase.Assigning && view.Assign is { } assign)
            {
                view.Assign = null;
                view.InCallback = true;
                view.Generation = _generation;
                view.Fenced = false;
                return new Callback(CallbackKind.Assign, assign);
            }

            return Callback.None;
        }
    }

    /// <summary>The member's revoke callback returned.</summary>
    public void Revoked(string member)
    {
        lock (_gate)
        {
            var view = _members[member];
            view.InCallback = false;
            view.Revoking = false;
            view.Assigned.ExceptWith(view.Revoke);
            view.Revoke = [];
            EndRevokingIfDone();
        }

        Signal();
    }

    /// <summary>The member's lost callback returned.</summary>
    public void LossHandled(string member)
    {
        lock (_gate)
        {
            _members[member].Revoking = false;
        }

        Signal();
    }

    /// <summary>The member's assignment callback returned.</summary>
    public void Assigned(string member, IReadOnlyList<TopicPartition> partitions)
    {
        lock (_gate)
        {
            var view = _members[member];
            view.InCallback = false;
            view.Assigned.UnionWith(partitions);
            EndAssigningIfDone();
        }

        Signal();
    }

    /// <summary>The member left the group (its client closed).</summary>
    public void Leave(string member)
    {
        lock (_gate)
        {
            _members.Remove(member);
            if (_phase == Phase.Revoking)
            {
                EndRevokingIfDone();
            }
            else if (_phase == Phase.Assigning)
            {
                EndAssigningIfDone();
            }
        }

        Signal();
    }

    public IReadOnlyList<long?> Committed(IReadOnlyList<TopicPartition> partitions)
    {
        lock (_gate)
        {
            return [.. partitions.Select(p => _committed.TryGetValue(p, out var offset) ? offset : (long?)null)];
        }
    }

    /// <summary>A commit request: it may wait in the network before the coordinator sees it, and its answer may wait
    /// again, so other work interleaves on both sides.</summary>
    public CommitOutcome Commit(string member, IReadOnlyList<PartitionOffset> offsets)
    {
        bool first;
        lock (_gate)
        {
            first = !_commitsInFlight.ContainsKey(member);
            _commitsInFlight[member] = _commitsInFlight.GetValueOrDefault(member) + 1;
        }

        if (first)
        {
            _happenings.Reach(Cue.CommitEntered, member);
        }

        SchedulingPoint.Interleave();
        CommitOutcome outcome;
        var fencedByNewGeneration = false;
        lock (_gate)
        {
            if (!_members.TryGetValue(member, out var view) || view.Fenced || view.Generation != _generation)
            {
                fencedByNewGeneration = view is { Fenced: false } && view.Generation != _generation;
                outcome = CommitOutcome.Fenced;
            }
            else
            {
                foreach (var offset in offsets)
                {
                    _committed[offset.Partition] = offset.NextOffset;
                    Specification.Monitor<SafetyMonitor>(new CommitAccepted(member, offset.Partition, offset.NextOffset));
                }

                outcome = CommitOutcome.Success;
            }
        }

        if (fencedByNewGeneration)
        {
            _happenings.Saw(Race.CommitFencedByNewGeneration);
        }

        SchedulingPoint.Interleave();
        lock (_gate)
        {
            _commitsInFlight[member]--;
        }

        return outcome;
    }

    public void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Appends <paramref name="count"/> messages to a partition.</summary>
    private void Produce(TopicPartition partition, long count)
    {
        long end;
        lock (_gate)
        {
            end = _ends.GetValueOrDefault(partition) + count;
            _ends[partition] = end;
        }

        Specification.Monitor<LivenessMonitor>(new Produced(partition, end));
        Signal();
    }

    private void BeginNextPlan()
    {
        var (target, cooperative) = _plans.Dequeue();
        foreach (var (name, view) in _members)
        {
            var wanted = target.GetValueOrDefault(name, []);
            view.Revoke = cooperative ? [.. view.Assigned.Except(wanted).Order()] : [.. view.Assigned.Order()];
            var kept = view.Assigned.Except(view.Revoke);
            view.Assign = [.. wanted.Except(kept).Order()];
        }

        _phase = Phase.Revoking;
        EndRevokingIfDone();
    }

    private void EndRevokingIfDone()
    {
        if (_members.Values.All(m => m.Revoke.Length == 0))
        {
            // Everyone rejoined: a new generation, and with it every commit of the old one is fenced.
            _generation++;
            _phase = Phase.Assigning;
        }
    }

    private void EndAssigningIfDone()
    {
        if (_members.Values.All(m => m.Assign is null && !m.InCallback))
        {
            _phase = Phase.Stable;
            if (_plans.Count > 0)
            {
                BeginNextPlan();
            }
        }
    }

    /// <summary>The coordinator's view of one member.</summary>
    private sealed class MemberView
    {
        public HashSet<TopicPartition> Assigned { get; } = [];

        public TopicPartition[] Revoke { get; set; } = [];

        public TopicPartition[]? Assign { get; set; }

        public bool InCallback { get; set; }

        /// <summary>In a revoke or lost callback the coordinator handed out.</summary>
        public bool Revoking { get; set; }

        public bool LossPending { get; set; }

        public bool Fenced { get; set; }

        public int Generation { get; set; } = -1;
    }
}

/// <summary>What a client does at the start of a poll.</summary>
internal enum CallbackKind
{
    None,
    Revoke,
    Lost,
    Assign,
}

/// <summary>A rebalance callback for a client to run, with its partitions.</summary>
internal sealed record Callback(CallbackKind Kind, IReadOnlyList<TopicPartition> Partitions)
{
    public static Callback None { get; } = new(CallbackKind.None, []);
}
