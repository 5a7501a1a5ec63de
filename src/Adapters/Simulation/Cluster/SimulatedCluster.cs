using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Simulation;

/// <summary>The simulated Kafka cluster every driver runs the real host on: the partitions' logs, the group coordinator,
/// the clock everything happens on, and the oracle that watches it all. Members reach it only through their
/// <see cref="SimulatedPort"/> (the same <see cref="IConsumerPort"/> the Confluent adapter implements) and its
/// <see cref="GroupClient"/>.</summary>
/// <remarks>Single-threaded by construction: explore runs the whole world on one thread, and under Coyote one controlled
/// operation runs at a time, so nothing here takes a lock, the clock's queue included.</remarks>
internal sealed class SimulatedCluster
{
    /// <summary>What one simulated message weighs against <c>prefetch_bytes</c> when the content is the simulator's own.</summary>
    public const int MessageBytes = 100;

    private static readonly ReadOnlyMemory<byte> ModelValue = new byte[MessageBytes];

    private readonly Dictionary<TopicPartitionId, PartitionLog> _logs = [];
    private readonly List<TopicPartitionId> _partitions;
    private readonly List<SimulatedPort> _ports = [];
    private readonly Func<TopicPartitionId, long, (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)>? _content;
    private readonly Action<FaultKind, string, int?, TopicPartitionId?> _faultFired;

    public SimulatedCluster(SimClock clock, Oracle oracle, IReadOnlyList<TopicPartitionId> partitions, RebalanceProtocol protocol,
        long sessionTimeoutMs, long heartbeatIntervalMs, UserHandler? user, Action<FaultKind, string, int?, TopicPartitionId?> faultFired)
    {
        Clock = clock;
        Oracle = oracle;
        _partitions = [.. partitions];
        Protocol = protocol;
        SessionTimeoutMs = sessionTimeoutMs;
        HeartbeatIntervalMs = heartbeatIntervalMs;
        _content = user?.Content;
        _faultFired = faultFired;
        foreach (var tp in partitions)
        {
            _logs[tp] = new PartitionLog();
        }

        Coordinator = protocol == RebalanceProtocol.Consumer ? new ConsumerCoordinator(this) : new ClassicCoordinator(this);
    }

    public SimClock Clock { get; }

    public Oracle Oracle { get; }

    public GroupCoordinator Coordinator { get; }

    /// <summary>Every partition of the subscribed topics: the first ones in <see cref="TopicPartitionId"/> order, then
    /// those <see cref="AddPartitions"/> added, as added.</summary>
    public IReadOnlyList<TopicPartitionId> Partitions => _partitions;

    public RebalanceProtocol Protocol { get; }

    public long SessionTimeoutMs { get; }

    public long HeartbeatIntervalMs { get; }

    /// <summary>Whether every member is static: its client has a <c>group.instance.id</c> (one per member index, kept
    /// across its incarnations).</summary>
    public bool StaticMembership { get; init; }

    /// <summary>What a driver sees of the clients besides the oracle's checks (a systematic test's cues and races).</summary>
    public IWorldObserver Observer { get; init; } = NoObserver.Instance;

    public PartitionLog Log(TopicPartitionId partition) => _logs[partition];

    /// <summary>Appends <paramref name="count"/> messages to a partition and wakes the consumers waiting for data.</summary>
    public void Produce(TopicPartitionId partition, int count)
    {
        if (count <= 0)
        {
            return;
        }

        _logs[partition].Append(count);
        foreach (var port in _ports)
        {
            port.Wake();
        }
    }

    /// <summary>CreatePartitions: <paramref name="topic"/> gains <paramref name="count"/> empty partitions, numbered on
    /// from its last; the oracle watches them, and the coordinator learns of the new metadata (a rebalance, or a new
    /// group epoch under KIP-848).</summary>
    public IReadOnlyList<TopicPartitionId> AddPartitions(string topic, int count)
    {
        var next = _partitions.Where(tp => tp.Topic == topic).Max(tp => tp.Partition) + 1;
        TopicPartitionId[] added = [.. Enumerable.Range(next, count).Select(p => new TopicPartitionId(topic, p))];
        foreach (var tp in added)
        {
            _partitions.Add(tp);
            _logs[tp] = new PartitionLog();
            Oracle.WatchPartition(tp);
        }

        LearnPartitionsChanged();
        return added;
    }

    /// <summary>The coordinator learns of new partitions; while it cannot act on them (it is moving), it learns again a
    /// second later, as the next metadata refresh would tell it.</summary>
    private void LearnPartitionsChanged()
    {
        if (!Coordinator.PartitionsChanged())
        {
            Clock.After(1_000, LearnPartitionsChanged);
        }
    }

    /// <summary>Retention deletes everything of a partition below <paramref name="offset"/>.</summary>
    public void DeleteBefore(TopicPartitionId partition, long offset) => _logs[partition].DeleteBefore(offset);

    /// <summary>The message at <paramref name="offset"/>, as a fetch returns it: the user's content when a run has a user
    /// handler, else <see cref="MessageBytes"/> bytes of nothing; a timestamp from a fixed epoch, never the wall clock.</summary>
    public FetchedMessage Message(TopicPartitionId partition, long offset)
    {
        var (key, value) = _content is null ? (ReadOnlyMemory<byte>.Empty, ModelValue) : _content(partition, offset);
        return new FetchedMessage(partition, offset, UserHandler.TimestampEpochMs + offset, key, value);
    }

    /// <summary>A fault struck (counted, and traced), at <paramref name="member"/> or <paramref name="partition"/> when it
    /// struck one.</summary>
    public void FaultFired(FaultKind kind, string text, int? member = null, TopicPartitionId? partition = null) => _faultFired(kind, text, member, partition);

    /// <summary>A client connected: it is woken when data arrives.</summary>
    public void Connect(SimulatedPort port) => _ports.Add(port);

    public void Disconnect(SimulatedPort port) => _ports.Remove(port);
}
