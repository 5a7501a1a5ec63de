using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;
using Elsa.Sim.Hosting.Threading;
using Elsa.Sim.Hosting.Workers;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Hosting;

/// <summary>The consume loop: the only caller of <see cref="IConsumerPort.ConsumeAsync"/>, <see cref="IConsumerPort.Seek"/>
/// and <see cref="IConsumerPort.CloseAsync"/>; and, as the <see cref="IRebalanceListener"/>, what the port calls inside
/// them. Each rebalance turns into an event for the group manager and completes only once the manager has acted on it,
/// because the client's rebalance goes on as soon as it does: an assignment must have its workers and start positions, a
/// revocation must have its workers stopped and acks committed.</summary>
/// <remarks>Local generation ids: Confluent.Kafka does not expose the group's generation, so this loop numbers each
/// assignment itself, 1, 2, 3, …. That is enough for what the machine uses generations for, telling a stale ack from a
/// current one: a partition's ownership is continuous exactly while no callback took it away, and every assignment
/// callback starts a new local generation, so an ack tagged with a generation from before the partition was last
/// assigned is stale in both numberings. Fencing at the broker is the client's: it commits with the real generation and
/// member id, and a refusal comes back as <see cref="CommitOutcome.Fenced"/>.</remarks>
internal sealed class ConsumeLoop(
    IConsumerPort port,
    ManagerLoop manager,
    FetchRouter router,
    IReadOnlyList<string> topics,
    IHostScheduler scheduler,
    TimeProvider time,
    TimeSpan pollTimeout,
    TimeSpan rebalanceTimeout,
    TimeSpan requestTimeout,
    ILogger logger,
    ConsumerMetrics metrics,
    Action<string> onFatal) : IRebalanceListener
{
    // Transient coordinator errors while reading committed offsets are retried this often before the rebalance fails.
    private const int CommittedAttempts = 3;

    // librdkafka's poll cannot be woken from another thread, so one ConsumeAsync waits at most this long whatever the
    // poll timeout: a stop or a restarted worker's seek is noticed within it (Confluent.Kafka's cancellable Consume polls
    // in slices of the same length). An idle consumer wakes ten times a second for nothing, which costs nothing measurable.
    private static readonly TimeSpan LongestConsumeWait = TimeSpan.FromMilliseconds(100);

    private readonly TimeSpan _consumeWait = pollTimeout < LongestConsumeWait ? pollTimeout : LongestConsumeWait;

    private volatile bool _stopRequested;
    private int _generation;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the loop where the scheduler runs consume loops (a thread of its own in production).</summary>
    public void Start() => Completion = scheduler.RunConsumeLoop(RunAsync);

    /// <summary>Ends the loop after the current <see cref="IConsumerPort.ConsumeAsync"/> (at most the poll timeout, and at
    /// most 100 ms); the loop then closes the client, leaving the group.</summary>
    public void RequestStop() => _stopRequested = true;

    public async ValueTask<IReadOnlyList<AssignedStart>> OnPartitionsAssignedAsync(IReadOnlyList<TopicPartitionId> partitions)
    {
        // Even an empty assignment starts a local generation: under the cooperative protocol librdkafka reports every
        // completed rebalance this way, and a commit fenced during the rebalance may go out again only in a new generation.
        var committed = partitions.Count == 0 ? [] : await ReadCommittedAsync(partitions);
        var generation = ++_generation;
        var assignments = partitions.Select((tp, i) => new Assignment(tp, committed[i])).ToValueList();
        var gate = new AssignmentGate(partitions);
        metrics.Rebalance("assigned");
        logger.Assigned(partitions.Count == 0 ? "no new partitions" : string.Join(", ", partitions), generation, port.MemberId);
        if (!manager.Post(new HostItem.Assignment(new GroupEvent.AssignmentsReceived(port.MemberId, generation, assignments), gate)))
        {
            gate.Abandon();
        }

        var decided = await gate.WaitAsync(rebalanceTimeout, time);
        var starts = new AssignedStart[decided.Count];
        for (var i = 0; i < decided.Count; i++)
        {
            var (partition, worker) = decided[i];
            starts[i] = new AssignedStart(partition, worker is null ? null : await PositionAsync(worker));
        }

        return starts;
    }

    public ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartitionId> partitions) => RevokeAsync(partitions, lost: false);

    public ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartitionId> partitions) => RevokeAsync(partitions, lost: true);

    /// <summary>Resolves where a just-assigned partition's worker starts, hands it the offset, and routes the partition
    /// to it; null (the client's choice, and no route) when the offset could not be read: the worker then ends as a crash
    /// and its restart resolves the position again.</summary>
    private async ValueTask<StartPosition?> PositionAsync(PartitionWorker worker)
    {
        long offset;
        try
        {
            offset = await StartPositions.ResolveAsync(port, worker.Partition, worker.Position, requestTimeout);
        }
        catch (ConsumerPortException e)
        {
            worker.FailStart(e.Message);
            return null;
        }

        router.Install(worker.Partition, worker);
        worker.PositionAt(offset);
        return StartPosition.At(offset);
    }

    private async Task RunAsync()
    {
        try
        {
            port.Subscribe(topics, this);
            while (!_stopRequested)
            {
                router.ApplySeeks();
                FetchedMessage? message;
                try
                {
                    message = await port.ConsumeAsync(_consumeWait);
                }
                catch (OffsetOutOfRangeException e)
                {
                    router.OutOfRange(e.Partition, e.Offset);
                    continue;
                }
                catch (ConsumerPortException e) when (!e.IsFatal)
                {
                    logger.ConsumeFailed(e.Message);
                    continue;
                }

                if (message is not null)
                {
                    router.Dispatch(message);
                }
            }
        }
#pragma warning disable CA1031 // Whatever ends the consume loop ends the consumer, with the reason.
        catch (Exception e)
#pragma warning restore CA1031
        {
            onFatal(e is ConsumerPortException ? e.Message : $"the consume loop failed: {e.GetType().Name}: {e.Message}");
        }
        finally
        {
            await CloseAsync();
        }
    }

    private async Task CloseAsync()
    {
        try
        {
            await port.CloseAsync();
        }
#pragma warning disable CA1031 // Leaving the group is best effort: the session timeout removes the member anyway.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.CloseFailed(e);
        }
    }

    private async ValueTask RevokeAsync(IReadOnlyList<TopicPartitionId> partitions, bool lost)
    {
        if (partitions.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", partitions);
        metrics.Rebalance(lost ? "lost" : "revoked");
        if (lost)
        {
            logger.Lost(names);
        }
        else
        {
            logger.Revoking(names);
        }

        var selection = PartitionSelection.Only(partitions.ToValueList());
        GroupEvent @event = lost ? new GroupEvent.AssignmentsLost(selection) : new GroupEvent.AssignmentsRevoked(selection);
        var gate = new RevocationGate(names);
        if (manager.Post(new HostItem.Revocation(@event, gate)))
        {
            await gate.WaitAsync(rebalanceTimeout, time);
        }

        router.Release(partitions);
    }

    private async ValueTask<IReadOnlyList<long?>> ReadCommittedAsync(IReadOnlyList<TopicPartitionId> partitions)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await port.CommittedAsync(partitions, requestTimeout);
            }
            catch (ConsumerPortException e) when (!e.IsFatal && attempt < CommittedAttempts)
            {
                // Starting without them could skip or repeat a whole partition: retry, then fail the rebalance.
                logger.CommittedReadFailed(string.Join(", ", partitions), attempt, e.Message);
            }
        }
    }
}
