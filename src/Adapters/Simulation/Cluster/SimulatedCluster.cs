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
    private readonly List<SimulatedPort> _ports = [];
    private readonly Func<TopicPartitionId, long, (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)>? _content;
    private readonly Action<FaultKind, string, int?, TopicPartitionId?> _faultFired;

    public SimulatedCluster(SimClock clock, Oracle oracle, IReadOnlyList<TopicPartitionId> partitions, RebalanceProtocol protocol,
        long sessionTimeoutMs, long heartbeatIntervalMs, UserHandler? user, Action<FaultKind, string, int?, TopicPartitionId?> faultFired)
    {
        Clock = clock;
        Oracle = oracle;
        Partitions = partitions;
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

    public IReadOnlyList<TopicPartitionId> Partitions { get; }

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
