using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>One start of one partition's worker (a <see cref="GroupEffect.StartWorker"/>): it finds the offset it reads
/// first, then makes a fresh handler, fed batches from its <see cref="PrefetchWindow"/>. Reports
/// <see cref="GroupEvent.WorkerPositioned"/> for a symbolic start before any user code runs,
/// <see cref="GroupEvent.MessagesDelivered"/> before handing a batch over, turns the handler's result into an
/// <see cref="GroupEvent.Acked"/>, and ends with exactly one <see cref="GroupEvent.WorkerStopped"/> (asked to stop: after
/// the batch in hand) or <see cref="GroupEvent.WorkerExited"/> (the handler threw, or the worker could not be
/// positioned).</summary>
internal sealed class PartitionWorker
{
    private readonly WorkerEnvironment _env;
    private readonly StartPosition _position;

    // The first offset of a just-assigned partition, which the consume thread resolves inside the assignment callback
    // (librdkafka must be handed a concrete offset); null when the worker is stopped or failed before it had one.
    private readonly TaskCompletionSource<long?> _assignedStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _stopRequested;
    private volatile string? _startFailure;

    // The worker's own task only: the batch in hand, whether every message handed over before it was acked by the
    // handler's results, and how far the handed-over and acked messages go. They tell which message a crash was on.
    private ConsumedMessage[]? _inHand;
    private bool _handedAfterAcks;
    private long? _lastDelivered;
    private long? _ackedThrough;

    public PartitionWorker(WorkerEnvironment env, WorkerId id, TopicPartitionId partition, int generationId, StartPosition position)
    {
        _env = env;
        _position = position;
        Id = id;
        Partition = partition;
        GenerationId = generationId;
        Window = new PrefetchWindow(partition, env.PrefetchCount, env.PrefetchBytes, env.Port, env.Metrics);
    }

    public WorkerId Id { get; }

    public TopicPartitionId Partition { get; }

    public int GenerationId { get; }

    /// <summary>Where the group manager said to start: an offset, or earliest or latest, which the worker resolves.</summary>
    public StartPosition Position => _position;

    public PrefetchWindow Window { get; }

    /// <summary>False once asked to stop: the router stops feeding it.</summary>
    public bool Accepts => !_stopRequested;

    /// <summary>Completes when the worker has reported its end.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts the worker. A just-assigned partition (<paramref name="assigned"/>) waits for the consume thread to
    /// hand it its first offset (<see cref="PositionAt"/>); a restart within an assignment resolves its position itself
    /// and seeks.</summary>
    public void Start(bool assigned) => Completion = _env.Scheduler.Run(() => RunAsync(assigned));

    /// <summary>The consume thread resolved where a just-assigned partition starts; the client fetches from there.</summary>
    public void PositionAt(long offset) => _assignedStart.TrySetResult(offset);

    /// <summary>Asks the worker to stop after the batch in hand; messages not yet handed over are dropped.</summary>
    public void RequestStop()
    {
        _stopRequested = true;
        _assignedStart.TrySetResult(null);
        _env.Router.Remove(Partition, this);
        Window.Close();
    }

    /// <summary>The worker could not be positioned (its start position could not be resolved, or the seek failed): it
    /// ends as a crash, and the group manager restarts it.</summary>
    public void FailStart(string reason)
    {
        _startFailure = reason;
        _assignedStart.TrySetResult(null);
        Window.Close();
    }

    /// <summary>The client found this worker's fetch position out of range (consume thread): the group manager stops it
    /// and restarts the partition per <c>offset_reset_policy</c>.</summary>
    public void OutOfRange(long offset)
    {
        if (Accepts)
        {
            _env.Post(new GroupEvent.OffsetOutOfRange(Id, offset));
        }
    }

    private async Task RunAsync(bool assigned)
    {
        GroupEvent end = new GroupEvent.WorkerStopped(Id);
        IMessageHandler? handler = null;
        var stage = HandlerStage.Constructor;
        try
        {
            using (_env.Abort.Register(() => _assignedStart.TrySetResult(null)))
            {
                if (await PositionAsync(assigned) is not null && !_stopRequested)
                {
                    handler = _env.Handlers.Create();
                    stage = HandlerStage.Init;
                    await handler.InitAsync(new HandlerContext(_env.Group, Partition, GenerationId, _env.HandlerInitArgs), _env.Abort);
                    stage = HandlerStage.Handle;
                    await HandleBatchesAsync(handler);
                }
            }

            if (_startFailure is { } failure && !_stopRequested)
            {
                _env.Logger.WorkerStartFailed(Id, Partition, _position.ToString(), failure);
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
            var cause = HandlerFailure.Describe(_env.Handlers.HandlerType, stage, Partition, e);
            _env.Logger.WorkerCrashed(HandlerFailure.Cause(e), Id, Partition, cause);
            end = new GroupEvent.WorkerExited(Id, CrashOn(e, cause));
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

    /// <summary>The offset this worker reads first, or null when it was stopped or could not be positioned. A symbolic
    /// start is reported to the group manager before any user code runs, so a failing handler cannot make a restart
    /// resolve it again.</summary>
    private async Task<long?> PositionAsync(bool assigned)
    {
        long offset;
        if (assigned)
        {
            if (await _assignedStart.Task is not { } handedOver)
            {
                return null;
            }

            offset = handedOver;
        }
        else
        {
            try
            {
                offset = await StartPositions.ResolveAsync(_env.Port, Partition, _position, _env.RequestTimeout);
            }
            catch (ConsumerPortException e)
            {
                FailStart(e.Message);
                return null;
            }
        }

        if (_position.Kind != StartPositionKind.Offset)
        {
            _env.Post(new GroupEvent.WorkerPositioned(Id, offset));
        }

        if (!assigned && !_stopRequested)
        {
            _env.Router.RequestSeek(this, offset);
        }

        return offset;
    }

    private async Task HandleBatchesAsync(IMessageHandler handler)
    {
        while (true)
        {
            var batch = await Window.TakeAsync(_env.IsolateAfterCrash ? _env.Evidence.BatchLimit(Partition, _lastDelivered) : int.MaxValue);
            if (batch.Count == 0)
            {
                return;
            }

            var messages = new ConsumedMessage[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var m = batch[i];
                messages[i] = new ConsumedMessage(Partition.Topic, Partition.Partition, m.Offset, m.TimestampMs, m.Key, m.Value, GenerationId)
                {
                    Headers = m.Headers,
                };
            }

            // Before the handler sees them: the group manager refuses acks past what it knows was delivered.
            var (first, last) = (messages[0].Offset, messages[^1].Offset);
            _env.Post(new GroupEvent.MessagesDelivered(Id, first, last));
            _inHand = messages;
            _handedAfterAcks = _lastDelivered is null || _ackedThrough >= _lastDelivered;
            using var activity = ConsumerTracing.StartProcess(_env.Consumer, _env.Group, Partition, GenerationId, messages);
            HandlerResult result;
            try
            {
                result = await handler.HandleMessagesAsync(messages, _env.Abort);
            }
            catch (Exception e) when (ConsumerTracing.Failed(activity, e))
            {
                throw; // Never reached: the filter only marks the span.
            }
            catch (PoisonMessageException e)
            {
                AckBeforePoison(e, first, last);
                throw;
            }

            ConsumerTracing.Settled(activity, result, last);
            (_inHand, _lastDelivered) = (null, last);
            Settle(result, last);
            if (_stopRequested)
            {
                return;
            }
        }
    }

    private void Settle(HandlerResult result, long lastOffset)
    {
        if (result.AckedOffset(lastOffset) is { } acked)
        {
            _ackedThrough = acked;
            Ack(acked);
        }
        else if (result.Kind == HandlerResultKind.Continue)
        {
            // Not acknowledged, but no longer holding the window: a later batch's ack covers it. Only the batch this
            // worker handed over, which the group manager knows was delivered.
            Window.Release(lastOffset);
        }

        // NoAck holds the window until the handler acks through ElsaConsumer.Ack.
    }

    /// <summary>The crash, with the message it was on when the worker can tell: a <see cref="PoisonMessageException"/>
    /// naming a message of the batch in hand whose predecessors in the batch were acked, or a batch of one message; in
    /// both cases only when every message handed over before the batch was acked too (the machine's contract for
    /// <see cref="ExitReason.Offset"/>). Otherwise, under the dead-letter policy, the next workers hand the crashed batch
    /// over singly, so the next crash can tell.</summary>
    private ExitReason CrashOn(Exception e, string cause)
    {
        if (_inHand is not { } batch)
        {
            return ExitReason.Crashed(cause);
        }

        var at = !_handedAfterAcks ? -1
            : e is PoisonMessageException poison ? Array.FindIndex(batch, m => m.Offset == poison.Offset) is var k && (k == 0 || (k > 0 && poison.HandledThroughOffset == batch[k - 1].Offset)) ? k : -1
            : batch.Length == 1 ? 0 : -1;
        if (at < 0)
        {
            if (_env.IsolateAfterCrash && batch.Length > 1)
            {
                _env.Evidence.Isolate(Partition, batch[^1].Offset);
            }

            return ExitReason.Crashed(cause);
        }

        _env.Evidence.KeepPoison(Partition, batch[at]);
        return ExitReason.Crashed(cause, batch[at].Offset);
    }

    // A handler that names its poison message has handled what came before it: that is acked before the crash, so the
    // restart begins at the poison message. An offset outside the batch in hand is no message this worker delivered.
    private void AckBeforePoison(PoisonMessageException e, long first, long last)
    {
        if (e.Offset > first && e.Offset <= last && e.HandledThroughOffset is { } through && through >= first)
        {
            Ack(through);
        }
    }

    // The window is not released here: the group manager releases it once it accepted the ack (ManagerLoop.ReleaseWindow),
    // so an ack it refuses (past the batch, stale) frees nothing.
    private void Ack(long offset)
    {
        _env.Metrics.Ack();
        _env.Post(new GroupEvent.Acked(Partition.Topic, Partition.Partition, GenerationId, offset));
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
            _env.Logger.HandlerDisposeFailed(HandlerFailure.Cause(e), Id);
        }
    }
}
