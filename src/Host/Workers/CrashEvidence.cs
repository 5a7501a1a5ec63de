using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>What a crashed worker leaves for the next one of its partition and for the dead-letter policy: the message it
/// crashed on, when it can tell (kept for <see cref="GroupEffect.DeadLetter"/>), or else how far the next worker hands
/// messages over one at a time, so that a repeated crash names its message.</summary>
internal sealed class CrashEvidence
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartitionId, ConsumedMessage> _poison = [];
    private readonly Dictionary<TopicPartitionId, long> _isolateThrough = [];

    public void KeepPoison(TopicPartitionId partition, ConsumedMessage message)
    {
        lock (_gate)
        {
            _poison[partition] = message;
        }
    }

    /// <summary>The message a crash of <paramref name="partition"/> was on, if it is the one at <paramref name="offset"/>.</summary>
    public ConsumedMessage? Poison(TopicPartitionId partition, long offset)
    {
        lock (_gate)
        {
            return _poison.TryGetValue(partition, out var message) && message.Offset == offset ? message : null;
        }
    }

    /// <summary>A crash on a batch of several messages did not say which one failed: the partition's next workers hand
    /// messages over singly through <paramref name="lastOffset"/>, the batch's last.</summary>
    public void Isolate(TopicPartitionId partition, long lastOffset)
    {
        lock (_gate)
        {
            _isolateThrough[partition] = Math.Max(lastOffset, _isolateThrough.GetValueOrDefault(partition, lastOffset));
        }
    }

    /// <summary>How many messages the next batch of <paramref name="partition"/> may hold, now that everything through
    /// <paramref name="lastDelivered"/> (null: nothing yet) was handed over.</summary>
    public int BatchLimit(TopicPartitionId partition, long? lastDelivered)
    {
        lock (_gate)
        {
            if (!_isolateThrough.TryGetValue(partition, out var through))
            {
                return int.MaxValue;
            }

            if (lastDelivered >= through)
            {
                _isolateThrough.Remove(partition);
                return int.MaxValue;
            }

            return 1;
        }
    }
}
