using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>One worker: fetches a partition from the simulated broker in batches, hands each batch to the member's handler
/// model (or to the user's handler, when the run has one), and reports deliveries, acks, stops and exits to its member's
/// machine. A stop waits for the batch in hand to finish (and its ack to be sent), as a GenServer stop waits for the
/// current callback.</summary>
internal sealed class SimWorker(SimMember member, GroupEffect.StartWorker start, OwnershipEpoch epoch)
{
    private const int MaxBatch = 100;

    // What one simulated message weighs against prefetch_bytes.
    private const long MessageBytes = 100;

    // Further than any simulated log grows, so a delayed bogus ack can never land on a delivered offset.
    private const long AckBeyondDistance = 1_000_000_000;

    private readonly SimRandom _rng = member.Random;
    private bool _busy;
    private bool _stopRequested;
    private long _position;
    private long _windowFrom;
    private bool _waitingForWindow;
    private int _batches;
    private long _lastAckAtMs;
    private HostedHandler? _handler;
    private BatchOutcome _handedOver;

    public WorkerId Id { get; } = start.Worker;

    public TopicPartition Partition { get; } = start.Partition;

    public int Generation { get; } = start.GenerationId;

    public OwnershipEpoch Epoch { get; } = epoch;

    public bool Alive { get; private set; }

    private World World => member.World;

    public void Start()
    {
        Alive = true;
        var log = World.Broker(Partition);
        _position = start.Position.Kind switch
        {
            StartPositionKind.Earliest => log.LogStart,
            StartPositionKind.Latest => log.HighWatermark,
            _ => start.Position.Offset,
        };
        _windowFrom = _position;
        if (Epoch.OutOfRangeAt is { } refused)
        {
            // The restart after an offset reset: what the policy skips, by the simulator's own reading of the log, is
            // excused; a worker landing further on skips the rest for real.
            Epoch.OutOfRangeAt = null;
            var target = World.ResolveReset(Partition);
            Epoch.Excuse(refused, target);
            World.History(Partition).SkippedByReset(refused, target);
            if (target < Epoch.BaseOffset)
            {
                Epoch.Rebase(target);
            }

            if (World.History(Partition).Anchor is { } anchor && target < anchor)
            {
                World.History(Partition).Anchor = target;
            }
        }

        if (start.Position.Kind != StartPositionKind.Offset)
        {
            // Resolved before the handler exists, as the Kafka host does: a handler that fails to start cannot make the
            // restart resolve the symbolic position again. Reported before anything else of this worker (the timeline
            // runs actions of one time in the order scheduled), not from inside the step that started it.
            var position = new GroupEvent.WorkerPositioned(Id, _position);
            member.AfterDelay(0, () => member.Feed(position));
        }
        if (World.Options.UserHandler is { } user)
        {
            _handler = HostedHandler.Start(user, new HandlerContext(member.Config.Group, Partition, Generation, member.Config.HandlerInitArgs), out var failure);
            if (failure is not null)
            {
                member.AfterDelay(_rng.Between(1, 5), () => FailHandler(failure));
                return;
            }
        }

        member.AfterDelay(_rng.Between(1, 5), Fetch);
    }

    public void RequestStop()
    {
        if (!Alive)
        {
            return;
        }

        _stopRequested = true;
        if (!_busy)
        {
            Stop();
        }
    }

    /// <summary>Dies with its member: no message to anyone.</summary>
    public void Kill()
    {
        Alive = false;
        _handler?.End();
    }

    /// <summary>Dies on its own and tells its manager.</summary>
    public void Crash(string reason)
    {
        if (!Alive)
        {
            return;
        }

        Alive = false;
        _handler?.End();
        Epoch.RecordCrash(World.Timeline.NowMs);
        member.Forget(this);
        member.FromWorker(new GroupEvent.WorkerExited(Id, ExitReason.Crashed(reason)));
    }

    private void Stop()
    {
        Alive = false;
        _handler?.End();
        member.Forget(this);
        member.FromWorker(new GroupEvent.WorkerStopped(Id));
    }

    private void Fetch()
    {
        if (!Alive || _busy)
        {
            return;
        }

        if (_stopRequested)
        {
            Stop();
            return;
        }

        var log = World.Broker(Partition);
        if (!log.InRange(_position))
        {
            // The machine answers with a stop and a restart at the reset position.
            Epoch.OutOfRangeAt = _position;
            member.Feed(new GroupEvent.OffsetOutOfRange(Id, _position));
            return;
        }

        if (WindowFull)
        {
            // brod's back-pressure: no fetching while more than prefetch_count messages and prefetch_bytes bytes are
            // unacknowledged. An ack that brings the window back within bounds fetches again.
            _waitingForWindow = true;
            return;
        }

        var available = log.HighWatermark - _position;
        if (available == 0)
        {
            member.AfterDelay(member.Config.Config.SleepTimeoutMs, Fetch);
            return;
        }

        // A batch is whatever one fetch returned (Elsa hands a handler a whole message set).
        var count = (int)Math.Min(available, _rng.Between(1, MaxBatch));
        var first = _position;
        var last = first + count - 1;
        _busy = true;
        Epoch.MaxDelivered = Math.Max(Epoch.MaxDelivered, last);
        member.Feed(new GroupEvent.MessagesDelivered(Id, first, last));
        member.CheckStillOwns(this);
        if (_handler is not null)
        {
            HandOver(_handler, first, last);
        }

        member.AfterDelay(_rng.Between(member.Profile.MinLatencyMs, member.Profile.MaxLatencyMs), () => Handled(first, last));
    }

    private void Handled(long first, long last)
    {
        if (!Alive)
        {
            return;
        }

        _busy = false;
        var outcome = _handler is null ? ModelOutcome(first, last) : _handedOver;
        for (var offset = first; offset <= outcome.HandledUpTo; offset++)
        {
            member.RecordHandled(this, offset);
        }

        if (outcome.Failure is { } failure)
        {
            // The crash is the cause of the redeliveries that follow, counted from when it is reported.
            World.History(Partition).LastCauseMs = World.Timeline.NowMs;
            Crash(failure);
            return;
        }

        if (World.Tracing)
        {
            // Formatting this line for every batch was 15% of an untraced run (explore traces nothing).
            World.Note("handled", $"member {member.Index} {Id} {Partition} {first}..{last}");
        }
        _position = last + 1;
        _batches++;
        if (outcome.Result?.AckedOffset(last) is { } acked)
        {
            SendAck(acked);
        }
        else if (outcome.Result?.Kind == HandlerResultKind.Continue)
        {
            ReleaseWindow(last);
        }
        else if (_handler is null)
        {
            Ack(first, last);
        }

        if (_stopRequested)
        {
            Stop();
        }
        else
        {
            member.AfterDelay(_rng.Between(0, 2), Fetch);
        }
    }

    /// <summary>The handler model's batch: handled whole, unless an armed handler exception makes it throw partway
    /// (some of the batch handled, none of it acked).</summary>
    private BatchOutcome ModelOutcome(long first, long last) =>
        member.TakeHandlerException(Partition)
            ? new BatchOutcome(first + _rng.Between(0, last - first) - 1, null, "handler exception")
            : new BatchOutcome(last, null, null);

    /// <summary>The user's handler gets the batch now, at the simulated moment it was fetched; its result is applied when
    /// the batch's virtual latency has passed. An armed handler exception hands it only a prefix and then fails.</summary>
    private void HandOver(HostedHandler handler, long first, long last)
    {
        if (member.TakeHandlerException(Partition))
        {
            var handledUpTo = first + _rng.Between(0, last - first) - 1;
            string? failure = null;
            if (handledUpTo >= first)
            {
                handler.Handle(Messages(first, handledUpTo), out failure);
            }

            _handedOver = new BatchOutcome(failure is null ? handledUpTo : first - 1, null, failure ?? "handler exception");
            return;
        }

        // On the handler's own exception, which messages it finished is unknown, so none count as handled.
        var result = handler.Handle(Messages(first, last), out var thrown);
        _handedOver = new BatchOutcome(thrown is null ? last : first - 1, result, thrown);
    }

    private ConsumedMessage[] Messages(long first, long last)
    {
        var user = World.Options.UserHandler!;
        var messages = new ConsumedMessage[checked((int)(last - first + 1))];
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = user.Message(Partition, first + i, Generation);
        }

        return messages;
    }

    /// <summary>The handler failed to start: the worker crashes before fetching anything.</summary>
    private void FailHandler(string failure)
    {
        World.History(Partition).LastCauseMs = World.Timeline.NowMs;
        Crash(failure);
    }

    private void Ack(long first, long last)
    {
        var highWatermark = World.Broker(Partition).HighWatermark;
        var caughtUp = last + 1 >= highWatermark;
        if (member.TakeAckBeyond(Partition) is > 0 and var beyond)
        {
            // The user's bug, before the batch's own ack: an ack far past the end of the log, so no worker can have
            // been given it, however long the ack takes to arrive.
            SendAck(highWatermark + AckBeyondDistance + beyond);
        }

        switch (member.Profile.Acking)
        {
            case AckStyle.EveryBatch:
                SendAck(last);
                break;
            case AckStyle.Partial:
                // Never leaves a full window behind a partial ack: nothing more would come to ack the rest.
                var partial = first + _rng.Between(0, Math.Max(0, last - first - 1));
                SendAck(caughtUp || first == last || _rng.Chance(0.5) || Stalls(partial) ? last : partial);
                break;
            case AckStyle.Later:
                // In order: each later ack goes out no earlier than the previous one.
                _lastAckAtMs = Math.Max(World.Timeline.NowMs + _rng.Between(5, 300), _lastAckAtMs);
                member.AfterDelay(_lastAckAtMs - World.Timeline.NowMs, () => SendAck(last));
                break;
            case AckStyle.EveryThirdBatch:
                if (caughtUp || _batches % 3 == 0)
                {
                    SendAck(last);
                }
                else
                {
                    // brod's continue: not acked, but no longer holding the window.
                    ReleaseWindow(last);
                }

                break;
            default:
                throw new System.Diagnostics.UnreachableException();
        }
    }

    private void SendAck(long offset)
    {
        ReleaseWindow(offset);
        member.FromWorker(new GroupEvent.Acked(Partition.Topic, Partition.Partition, Generation, offset));
    }

    private bool WindowFull => Full(_position - _windowFrom);

    /// <summary>Whether acking only up to <paramref name="ack"/> would leave the window full.</summary>
    private bool Stalls(long ack) => Full(_position - Math.Max(_windowFrom, ack + 1));

    private bool Full(long held)
    {
        var config = member.Config.Config;
        return held > config.PrefetchCount && held * MessageBytes > config.PrefetchBytes;
    }

    /// <summary>Frees the window up to <paramref name="offset"/>, never past what this worker was handed (an ack past the
    /// batch frees nothing more), and fetches again when that ends a wait.</summary>
    private void ReleaseWindow(long offset)
    {
        _windowFrom = Math.Max(_windowFrom, Math.Min(offset, _position - 1) + 1);
        if (_waitingForWindow && Alive && !WindowFull)
        {
            _waitingForWindow = false;
            member.AfterDelay(_rng.Between(0, 2), Fetch);
        }
    }

    /// <summary>What became of a batch: the offsets handled up to, the handler's result when it returned one, and the
    /// failure when it threw.</summary>
    private readonly record struct BatchOutcome(long HandledUpTo, HandlerResult? Result, string? Failure);
}
