using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Port;
using Elsa.Sim.Kafka.Telemetry;

namespace Elsa.Sim.Kafka.Workers;

/// <summary>One start of one partition's worker (a <see cref="GroupEffect.StartWorker"/>): a fresh handler, fed batches
/// from its <see cref="PrefetchWindow"/>. Reports <see cref="GroupEvent.MessagesDelivered"/> before handing a batch over,
/// turns the handler's result into an <see cref="GroupEvent.Acked"/>, and ends with exactly one
/// <see cref="GroupEvent.WorkerStopped"/> (asked to stop: after the batch in hand) or
/// <see cref="GroupEvent.WorkerExited"/> (the handler threw).</summary>
internal sealed class PartitionWorker
{
    private readonly WorkerEnvironment _env;
    private volatile bool _stopRequested;
    private volatile string? _startFailure;

    public PartitionWorker(WorkerEnvironment env, WorkerId id, TopicPartition partition, int generationId)
    {
        _env = env;
        Id = id;
        Partition = partition;
        GenerationId = generationId;
        Window = new PrefetchWindow(partition, env.PrefetchCount, env.PrefetchBytes, env.Port);
    }

    public WorkerId Id { get; }

    public TopicPartition Partition { get; }

    public int GenerationId { get; }

    public PrefetchWindow Window { get; }

    /// <summary>False once asked to stop: the router stops feeding it.</summary>
    public bool Accepts => !_stopRequested;

    /// <summary>Completes when the worker has reported its end.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the worker. <paramref name="seekTo"/> is null when the partition was just assigned at its start
    /// position (the assignment callback returned it); otherwise the worker restarts an assigned partition and seeks.</summary>
    public void Start(StartPosition? seekTo) => Completion = Task.Run(() => RunAsync(seekTo));

    /// <summary>Asks the worker to stop after the batch in hand; messages not yet handed over are dropped.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        _env.Router.Remove(Partition, this);
        Window.Close();
    }

    /// <summary>The seek that would position this worker failed: it ends as a crash, and the group manager restarts it.</summary>
    public void FailStart(string reason)
    {
        _startFailure = reason;
        Window.Close();
    }

    private async Task RunAsync(StartPosition? seekTo)
    {
        GroupEvent end = new GroupEvent.WorkerStopped(Id);
        IMessageHandler? handler = null;
        try
        {
            handler = _env.Handlers.Create();
            await handler.InitAsync(new HandlerContext(_env.Group, Partition, GenerationId, _env.HandlerInitArgs), _env.Abort);
            if (seekTo is { } position && !_stopRequested)
            {
                _env.Router.RequestSeek(this, Resolve(position));
            }

            while (true)
            {
                var batch = await Window.TakeAsync();
                if (batch.Count == 0)
                {
                    break;
                }

                var messages = new ConsumedMessage[batch.Count];
                for (var i = 0; i < batch.Count; i++)
                {
                    var m = batch[i];
                    messages[i] = new ConsumedMessage(Partition.Topic, Partition.Partition, m.Offset, m.TimestampMs, m.Key, m.Value, GenerationId);
                }

                // Before the handler sees them: the group manager refuses acks past what it knows was delivered.
                _env.Post(new GroupEvent.MessagesDelivered(Id, messages[0].Offset, messages[^1].Offset));
                var result = await handler.HandleMessagesAsync(messages, _env.Abort);
                Settle(result, messages[^1].Offset);
                if (_stopRequested)
                {
                    break;
                }
            }

            if (_startFailure is { } failure && !_stopRequested)
            {
                _env.Logger.WorkerStartFailed(Id, Partition, seekTo?.ToString() ?? "assigned", failure);
                end = new GroupEvent.WorkerExited(Id, ExitReason.Crashed(failure));
            }
        }
        catch (OperationCanceledException) when (_env.Abort.IsCancellationRequested)
        {
            // Torn down: nobody waits for this worker any more.
        }
#pragma warning disable CA1031 // Whatever the user's handler throws is a worker crash, reported to the group manager.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _env.Logger.WorkerCrashed(e, Id, Partition);
            end = new GroupEvent.WorkerExited(Id, ExitReason.Crashed($"{e.GetType().Name}: {e.Message}"));
        }
        finally
        {
            _stopRequested = true;
            _env.Router.Remove(Partition, this);
            Window.Close();
            await DisposeAsync(handler);
        }

        _env.Post(end);
    }

    private void Settle(HandlerResult result, long lastOffset)
    {
        if (result.AckedOffset(lastOffset) is { } acked)
        {
            Ack(acked);
        }
        else if (result.Kind == HandlerResultKind.Continue)
        {
            // Not acknowledged, but no longer holding the window: a later batch's ack covers it.
            Window.Release(lastOffset);
        }

        // NoAck holds the window until the handler acks through ElsaConsumer.Ack.
    }

    private void Ack(long offset)
    {
        _env.Metrics.Ack();
        _env.Post(new GroupEvent.Acked(Partition.Topic, Partition.Partition, GenerationId, offset));
        Window.Release(offset);
    }

    /// <summary>An explicit offset for a restart: earliest and latest are read from the broker's watermarks, so the seek
    /// (and the route it installs) is at a known offset.</summary>
    private long Resolve(StartPosition position)
    {
        if (position.Kind == StartPositionKind.Offset)
        {
            return position.Offset;
        }

        var watermarks = _env.Port.QueryWatermarks(Partition, _env.RequestTimeout);
        return position.Kind == StartPositionKind.Earliest ? watermarks.Low : watermarks.High;
    }

    private async Task DisposeAsync(IMessageHandler? handler)
    {
        try
        {
            await HandlerDisposal.DisposeAsync(handler);
        }
#pragma warning disable CA1031 // A handler that fails to dispose must not keep its worker from reporting its end.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _env.Logger.HandlerDisposeFailed(e, Id);
        }
    }
}
