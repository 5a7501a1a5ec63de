using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>Hands each consumed message to its partition's live worker, on the consume thread. A message for a partition
/// with no live worker is dropped and the partition paused: it was never delivered, and the next worker starts from a
/// position the group manager chose.</summary>
/// <remarks>Seeks run on the consume thread, between two <see cref="IConsumerPort.ConsumeAsync"/> calls, together with
/// installing the new route. That is what makes a restart exact: a message the consume thread already holds from before
/// the seek goes to the old route (dropped), and every later <c>Consume</c> returns only messages from after the seek.
/// A seek from another thread could let such a message reach the new worker at an offset it never asked for.</remarks>
internal sealed class FetchRouter(IConsumerPort port)
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartitionId, PartitionWorker> _routes = [];
    private readonly List<(PartitionWorker Worker, long Offset)> _seeks = [];

    // Consume thread only.
    private readonly HashSet<TopicPartitionId> _pausedUnrouted = [];

    /// <summary>Routes a newly assigned partition to its worker (consume thread, inside the assignment callback, before
    /// the client starts fetching it).</summary>
    public void Install(TopicPartitionId partition, PartitionWorker worker)
    {
        lock (_gate)
        {
            _routes[partition] = worker;
        }

        _pausedUnrouted.Remove(partition);
    }

    /// <summary>Stops routing to <paramref name="worker"/> (any thread); a newer worker's route is left alone.</summary>
    public void Remove(TopicPartitionId partition, PartitionWorker worker)
    {
        lock (_gate)
        {
            if (_routes.TryGetValue(partition, out var current) && current == worker)
            {
                _routes.Remove(partition);
            }
        }
    }

    /// <summary>Asks the consume thread to move <paramref name="worker"/>'s partition to <paramref name="offset"/> and
    /// route it to the worker (any thread).</summary>
    public void RequestSeek(PartitionWorker worker, long offset)
    {
        lock (_gate)
        {
            _seeks.Add((worker, offset));
        }
    }

    /// <summary>Runs the requested seeks (consume thread, between two consumes).</summary>
    public void ApplySeeks()
    {
        (PartitionWorker Worker, long Offset)[] seeks;
        lock (_gate)
        {
            if (_seeks.Count == 0)
            {
                return;
            }

            seeks = [.. _seeks];
            _seeks.Clear();
        }

        foreach (var (worker, offset) in seeks)
        {
            if (!worker.Accepts)
            {
                continue;
            }

            var partition = worker.Partition;
            try
            {
                // Resume first: a paused partition's resume restarts fetching from its old position, and the seek that
                // follows (before any consume) supersedes it.
                port.Resume([partition]);
                port.Seek(partition, offset);
            }
            catch (ConsumerPortException e)
            {
                worker.FailStart($"seek to {offset} failed: {e.Message}");
                continue;
            }

            _pausedUnrouted.Remove(partition);
            lock (_gate)
            {
                _routes[partition] = worker;
            }
        }
    }

    /// <summary>Delivers one message to its worker, or drops it and pauses the partition (consume thread).</summary>
    public void Dispatch(FetchedMessage message)
    {
        PartitionWorker? worker;
        lock (_gate)
        {
            _routes.TryGetValue(message.Partition, out worker);
        }

        if (worker is not null && worker.Accepts)
        {
            worker.Window.Offer(message);
            return;
        }

        if (_pausedUnrouted.Add(message.Partition))
        {
            port.Pause([message.Partition]);
        }
    }

    /// <summary>The client stopped fetching <paramref name="partition"/> because its position <paramref name="offset"/> is
    /// out of range (consume thread): its live worker, if any, tells the group manager, which resets it. Without one, the
    /// partition stays stopped until a worker's seek.</summary>
    public void OutOfRange(TopicPartitionId partition, long offset)
    {
        PartitionWorker? worker;
        lock (_gate)
        {
            _routes.TryGetValue(partition, out worker);
        }

        worker?.OutOfRange(offset);
    }

    /// <summary>Forgets partitions leaving this member (consume thread, inside the revoke or lost callback, while they are
    /// still assigned): resumes them, because librdkafka keeps an application's pause across a later reassignment.</summary>
    public void Release(IReadOnlyList<TopicPartitionId> partitions)
    {
        lock (_gate)
        {
            foreach (var partition in partitions)
            {
                _routes.Remove(partition);
            }
        }

        _pausedUnrouted.ExceptWith(partitions);
        port.Resume(partitions);
    }
}
