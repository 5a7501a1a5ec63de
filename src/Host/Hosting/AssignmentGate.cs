using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Threading;
using Elsa.Sim.Hosting.Workers;

namespace Elsa.Sim.Hosting;

/// <summary>Holds the assignment callback until the group manager has decided, for every assigned
/// partition, whether a worker starts: the callback then resolves each worker's start position and returns the offsets
/// to the client, which is how <c>begin_offset</c> and the committed offsets take effect, and how workers exist before the
/// first message arrives.</summary>
internal sealed class AssignmentGate(IReadOnlyList<TopicPartitionId> partitions)
{
    private readonly Dictionary<TopicPartitionId, PartitionWorker?> _decided = [];
    private readonly TaskCompletionSource<IReadOnlyList<(TopicPartitionId Partition, PartitionWorker? Worker)>> _done =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    // A set beside the list: the machine starts the assignment's workers one by one, and each start asks Awaits.
    private readonly HashSet<TopicPartitionId> _assigned = [.. partitions];

    public IReadOnlyList<TopicPartitionId> Partitions { get; } = partitions;

    public bool Awaits(TopicPartitionId partition) => _assigned.Contains(partition) && !_decided.ContainsKey(partition);

    /// <summary>The machine started a worker for an awaited partition (loop thread).</summary>
    public void RecordStart(PartitionWorker worker) => _decided[worker.Partition] = worker;

    /// <summary>Opens the gate once no awaited partition can still get a worker in this assignment (loop thread): the
    /// manager stopped being active, or the partition left the waiting phases (ignored, revoked, failed).</summary>
    public bool TryOpen(GroupState state)
    {
        foreach (var partition in Partitions)
        {
            if (_decided.ContainsKey(partition))
            {
                continue;
            }

            if (state.Phase == ManagerPhase.Active && state.Partitions.TryGetValue(partition, out var p) &&
                p.Phase is PartitionPhase.AwaitingCallback or PartitionPhase.Starting)
            {
                return false;
            }

            _decided[partition] = null;
        }

        _done.TrySetResult(Partitions.Select(p => (p, _decided[p])).ToArray());
        return true;
    }

    /// <summary>Opens the gate without workers: the host is going away.</summary>
    public void Abandon() => _done.TrySetResult(Partitions.Select(p => (p, (PartitionWorker?)null)).ToArray());

    /// <summary>Completes when the gate opens: each partition with the worker that starts it, or null.</summary>
    /// <exception cref="TimeoutException">When the group manager did not decide within <paramref name="timeout"/>.</exception>
    public async Task<IReadOnlyList<(TopicPartitionId Partition, PartitionWorker? Worker)>> WaitAsync(TimeSpan timeout, TimeProvider time)
    {
        if (!await Delays.Within(_done.Task, timeout, time))
        {
            throw new TimeoutException(
                $"the assignment of {string.Join(", ", Partitions)} was not started within {timeout.TotalMilliseconds} ms " +
                "(assignment_received_handler still running, or a previous worker not stopping); giving up the rebalance");
        }

        return await _done.Task;
    }
}
