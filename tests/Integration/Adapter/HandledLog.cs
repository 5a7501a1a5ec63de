using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>What the test handlers saw, shared through <c>handler_init_args</c>: every (partition, offset) handled,
/// duplicates counted, the generation each worker ran in, and an optional one-time crash to plant.</summary>
internal sealed class HandledLog
{
    private readonly object _gate = new();
    private readonly Dictionary<int, List<long>> _offsets = [];
    private readonly List<int> _generations = [];
    private readonly Dictionary<(int Partition, long Offset), IReadOnlyList<MessageHeader>> _headers = [];
    private (int Partition, long Offset)? _crashAt;
    private volatile bool _acksReleased;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _offsets.Values.Sum(o => o.Count);
            }
        }
    }

    /// <summary>The handler of <paramref name="partition"/> throws (once) when its batch holds <paramref name="offset"/>,
    /// after handling the messages before it.</summary>
    public void CrashOnceAt(int partition, long offset)
    {
        lock (_gate)
        {
            _crashAt = (partition, offset);
        }
    }

    /// <summary>Whether handlers that wait for it (<see cref="AckWhenReleasedHandler"/>) ack yet.</summary>
    public bool AcksReleased => _acksReleased;

    /// <summary>From now on, handlers that wait for it ack their batches.</summary>
    public void ReleaseAcks() => _acksReleased = true;

    public void Started(HandlerContext context)
    {
        lock (_gate)
        {
            _generations.Add(context.GenerationId);
        }
    }

    /// <summary>Records a message as handled, or throws if it is the planted crash.</summary>
    public void Handle(ConsumedMessage message)
    {
        lock (_gate)
        {
            if (_crashAt == (message.Partition, message.Offset))
            {
                _crashAt = null;
                throw new InvalidOperationException($"planted crash at {message.Topic}/{message.Partition}@{message.Offset}");
            }

            if (!_offsets.TryGetValue(message.Partition, out var offsets))
            {
                offsets = [];
                _offsets.Add(message.Partition, offsets);
            }

            offsets.Add(message.Offset);
            if (message.Headers.Count > 0)
            {
                _headers[(message.Partition, message.Offset)] = message.Headers;
            }
        }
    }

    /// <summary>The headers the handler saw on a message; empty when it had none (or was not handled).</summary>
    public IReadOnlyList<MessageHeader> HeadersOf(int partition, long offset)
    {
        lock (_gate)
        {
            return _headers.GetValueOrDefault((partition, offset)) ?? [];
        }
    }

    public IReadOnlyList<long> Offsets(int partition)
    {
        lock (_gate)
        {
            return _offsets.TryGetValue(partition, out var offsets) ? [.. offsets] : [];
        }
    }

    public IReadOnlyList<int> Generations()
    {
        lock (_gate)
        {
            return [.. _generations];
        }
    }

    /// <summary>Whether every offset below each partition's end was handled at least once.</summary>
    public bool HasAll(IReadOnlyDictionary<int, long> ends)
    {
        lock (_gate)
        {
            return ends.All(e => e.Value == 0 ||
                (_offsets.TryGetValue(e.Key, out var offsets) && offsets.Where(o => o < e.Value).Distinct().LongCount() == e.Value));
        }
    }
}
