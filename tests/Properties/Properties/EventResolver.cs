namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>Turns an <see cref="Intent"/> into one concrete event, given the machine's current state and what the
/// outside world remembers: the events sent so far (to repeat them), the commits in flight (to complete them in any
/// order), where each worker would deliver next, and which workers are dead. Deterministic: the same script and the same
/// machine always resolve to the same events.</summary>
internal sealed class EventResolver(GroupConfig config)
{
    // Where a worker started at "latest" begins reading: the partitions' high watermark, as far as scripts care.
    private const long LogEndOffset = 1_000;

    private readonly List<GroupEvent> _sent = [];
    private readonly List<GroupEffect.CommitOffsets> _inFlight = [];
    private readonly Dictionary<WorkerId, long> _nextDelivery = [];
    private readonly List<WorkerId> _dead = [];

    public GroupEvent Resolve(Intent intent, GroupState s) => intent switch
    {
        Intent.Progress i => Progress(i.Pick, s),
        Intent.Assign i => Assign(i, s),
        Intent.AnswerCallback i => AnswerCallback(i, s),
        Intent.Deliver i => Deliver(i.Kind, i.Pick, i.Count, i.ToStopping, s),
        Intent.Ack i => Ack(i, s),
        Intent.Tick i => Tick(i.Kind, i.Amount, s),
        Intent.CompleteCommit i => CompleteCommit(i, s),
        Intent.ConfirmStop i => ConfirmStop(i.Pick, s),
        Intent.Exit i => Exit(i, s),
        Intent.OutOfRange i => OutOfRange(i, s),
        Intent.DeadLetterResult i => DeadLetterResult(i.Pick, i.Written, i.Stale, s),
        Intent.Position i => Position(i, s),
        Intent.Revoke i => Revoke(i),
        Intent.Shutdown => new GroupEvent.ShutdownRequested(),
        Intent.StrangeWorker i => StrangeWorker(i, s),
        Intent.Repeat i => _sent.Count == 0 ? new GroupEvent.Tick(s.NowMs) : _sent[_sent.Count - 1 - (i.Back % _sent.Count)],
        _ => throw new System.Diagnostics.UnreachableException(intent.GetType().Name),
    };

    /// <summary>Remembers what a step sent and what its effects set going.</summary>
    public void Observe(ScriptStep step)
    {
        _sent.Add(step.Event);
        foreach (var effect in step.Transition.Effects)
        {
            switch (effect)
            {
                case GroupEffect.StartWorker start:
                    _nextDelivery[start.Worker] = start.Position.Kind switch
                    {
                        StartPositionKind.Offset => start.Position.Offset,
                        StartPositionKind.Earliest => 0,
                        _ => LogEndOffset,
                    };
                    break;
                case GroupEffect.CommitOffsets commit:
                    _inFlight.Add(commit);
                    break;
                default:
                    break;
            }
        }

        foreach (var worker in step.Before.Workers.Keys)
        {
            if (!step.Transition.State.Workers.ContainsKey(worker))
            {
                _dead.Add(worker);
            }
        }
    }

    // ---- progress --------------------------------------------------------------------------------------------------

    private GroupEvent Progress(int pick, GroupState s)
    {
        // Whatever blocks everything else comes first, most of the time.
        var callback = s.CallbackInFlight;
        if (callback is { } blocking && pick % 4 != 0)
        {
            return new GroupEvent.AssignmentHandlerReturned(blocking.Partition, blocking.GenerationId, CallbackOutcome.Ok);
        }

        var (live, stopping) = Workers(s);
        if (stopping.Count > 0 && pick % 3 != 0)
        {
            return new GroupEvent.WorkerStopped(Choose(stopping, pick));
        }

        // A worker started at a symbolic position says where it landed before it is handed anything, mostly.
        if (AwaitingPosition(s) is { Count: > 0 } awaiting && pick % 5 != 0)
        {
            var worker = Choose(awaiting, pick);
            return new GroupEvent.WorkerPositioned(worker, _nextDelivery.GetValueOrDefault(worker));
        }

        // A dead-letter write under way is answered, as often failed as acknowledged; a failed one is waited for.
        if (s.Phase == ManagerPhase.Active && pick % 4 == 1 && s.Partitions.Values.Any(p => p.DeadLetter is { InFlight: true }))
        {
            return DeadLetterResult(pick, written: pick % 8 < 4, stale: false, s);
        }

        if (s.Phase == ManagerPhase.Active && pick % 4 == 1 && s.Partitions.Values.Any(p => p.DeadLetter is { InFlight: false }) &&
            s.NextDeadlineMs(config) is { } retry)
        {
            return new GroupEvent.Tick(retry);
        }

        // Otherwise one of every step that moves the protocol on, in a fixed order.
        var ackable = new List<PartitionState>();
        if (s.Phase is ManagerPhase.Active or ManagerPhase.ShuttingDown)
        {
            foreach (var p in s.Partitions.Values)
            {
                if (p.Phase != PartitionPhase.Lost && p.LastDeliveredOffset >= IgnoreRules.AckFloor(p))
                {
                    ackable.Add(p);
                }
            }
        }

        // The next time anything is due: a restart, a commit, a commit retry.
        var deadline = s.Phase == ManagerPhase.Active ? s.NextDeadlineMs(config) : null;
        var options = (callback is null ? 0 : 1) + stopping.Count + live.Count + ackable.Count + (_inFlight.Count > 0 ? 1 : 0) +
                      (deadline is null ? 0 : 1) + (s.Phase == ManagerPhase.Idle ? 1 : 0) + 1;
        var k = pick % options;
        if (callback is { } answer && k-- == 0)
        {
            return new GroupEvent.AssignmentHandlerReturned(answer.Partition, answer.GenerationId, CallbackOutcome.Ok);
        }

        if (k < stopping.Count)
        {
            return new GroupEvent.WorkerStopped(stopping[k]);
        }

        k -= stopping.Count;
        if (k < live.Count)
        {
            return Deliver(DeliveryKind.Next, 0, 1 + (pick % 8), toStopping: false, s, live[k]);
        }

        k -= live.Count;
        if (k < ackable.Count)
        {
            var p = ackable[k];
            var (floor, delivered) = (IgnoreRules.AckFloor(p), p.LastDeliveredOffset!.Value);
            var offset = pick % 3 == 0 ? floor + Mod(pick, delivered - floor + 1) : delivered;
            return new GroupEvent.Acked(p.Partition.Topic, p.Partition.Partition, s.GenerationId!.Value, offset);
        }

        k -= ackable.Count;
        if (_inFlight.Count > 0 && k-- == 0)
        {
            return Complete(0, CommitOutcome.Success, CommitTwist.None);
        }

        if (deadline is { } due && k-- == 0)
        {
            return new GroupEvent.Tick(due);
        }

        if (s.Phase == ManagerPhase.Idle && k == 0)
        {
            return Assign(new Intent.Assign(1, 1 + (pick % 63), pick, Malformed: false), s);
        }

        return new GroupEvent.Tick(Saturating.Add(s.NowMs, config.CommitIntervalMs));
    }

    // ---- assignments and callbacks ---------------------------------------------------------------------------------

    // Four bits of the seed per partition pick its committed offset: mostly nothing or small, sometimes garbage.
    private static readonly long?[] CommittedChoices =
        [null, null, null, null, null, 0, 0, 0, 3, 10, 100, -1, long.MinValue, long.MaxValue, IgnoreRules.MaxOffset, 1L << 40];

    private static GroupEvent Assign(Intent.Assign i, GroupState s)
    {
        var generation = ClampToInt((long)(s.LastGenerationId ?? 0) + i.GenerationStep);
        var assignments = new List<Assignment>();
        for (var k = 0; k < ScriptRunner.Universe.Length; k++)
        {
            if ((i.PartitionMask & (1 << k)) != 0)
            {
                assignments.Add(new Assignment(ScriptRunner.Universe[k], CommittedChoices[(i.CommittedSeed >> (4 * k)) & 15]));
            }
        }

        if (i.Malformed)
        {
            assignments.Add(new Assignment(new TopicPartitionId("orders", -1), 0));
            assignments.Add(new Assignment(new TopicPartitionId("", 0), null));
            if (assignments.Count > 2)
            {
                assignments.Add(assignments[0] with { CommittedOffset = 7 });
            }
        }

        return new GroupEvent.AssignmentsReceived("member-1", generation, assignments.ToValueList());
    }

    private static GroupEvent AnswerCallback(Intent.AnswerCallback i, GroupState s)
    {
        if (i.Awaited && s.CallbackInFlight is { } callback)
        {
            return new GroupEvent.AssignmentHandlerReturned(
                callback.Partition, callback.GenerationId, i.Ok ? CallbackOutcome.Ok : CallbackOutcome.Failed("callback refused"));
        }

        // A result nobody waits for: a partition still queued, the right partition in the wrong generation, or any.
        var outcome = i.Ok ? CallbackOutcome.Ok : CallbackOutcome.Failed("late refusal");
        var current = s.GenerationId ?? s.LastGenerationId ?? 1;
        return (i.Pick % 3) switch
        {
            0 when !s.CallbackQueue.IsEmpty => new GroupEvent.AssignmentHandlerReturned(Choose(s.CallbackQueue, i.Pick), current, outcome),
            1 when s.CallbackInFlight is { } awaited =>
                new GroupEvent.AssignmentHandlerReturned(awaited.Partition, ClampToInt((long)awaited.GenerationId + (i.Pick % 2 == 0 ? 1 : -1)), outcome),
            _ => new GroupEvent.AssignmentHandlerReturned(Choose(ScriptRunner.Universe, i.Pick), ClampToInt((long)current - (i.Pick % 2)), outcome),
        };
    }

    // ---- workers ---------------------------------------------------------------------------------------------------

    private GroupEvent Deliver(DeliveryKind kind, int pick, int count, bool toStopping, GroupState s, WorkerId? target = null)
    {
        if (target is not { } worker)
        {
            var (live, stopping) = Workers(s);
            var targets = toStopping ? (stopping.Count > 0 ? stopping : live) : (live.Count > 0 ? live : stopping);
            if (targets.Count == 0)
            {
                return new GroupEvent.MessagesDelivered(new WorkerId(Saturating.Add(s.NextWorkerId, pick)), 0, count - 1);
            }

            worker = Choose(targets, pick);
        }

        var next = _nextDelivery.GetValueOrDefault(worker);
        var (first, last) = kind switch
        {
            DeliveryKind.Next => (next, Saturating.Add(next, count - 1)),
            DeliveryKind.Gap => (Saturating.Add(next, count), Saturating.Add(next, (2 * count) - 1)),
            DeliveryKind.Redelivery => next == 0 ? (0, count - 1) : (Math.Max(0, next - count), next - 1),
            _ => (pick % 3) switch
            {
                0 => (-count, count),
                1 => (Saturating.Add(next, count), next),
                _ => (IgnoreRules.MaxOffset - count, long.MaxValue),
            },
        };

        if (first >= 0 && first <= last && last <= IgnoreRules.MaxOffset)
        {
            _nextDelivery[worker] = Math.Max(next, Saturating.Add(last, 1));
        }

        return new GroupEvent.MessagesDelivered(worker, first, last);
    }

    private GroupEvent ConfirmStop(int pick, GroupState s)
    {
        var (live, stopping) = Workers(s);
        if (stopping.Count > 0)
        {
            return new GroupEvent.WorkerStopped(Choose(stopping, pick));
        }

        // Nobody is stopping: a live worker says it stopped unasked, or a dead one says it again.
        return new GroupEvent.WorkerStopped(live.Count > 0 && pick % 2 == 0 ? Choose(live, pick) : DeadOrUnissued(pick, s));
    }

    private GroupEvent Exit(Intent.Exit i, GroupState s)
    {
        var worker = Target(i.Pick, i.Stopping, s) ?? DeadOrUnissued(i.Pick, s);
        var reason = !i.Crash ? ExitReason.Normal
            : i.Pick % 6 == 0 || !s.Workers.TryGetValue(worker, out var tp) ? ExitReason.Crashed("boom")
            // On a message: mostly the first one not acked (what a host reports), sometimes one further on.
            : ExitReason.Crashed("boom", Saturating.Add(s.Partitions[tp].LastAckedOffset is { } acked ? acked + 1 : s.Partitions[tp].RestartFloorOffset ?? 0, i.Pick % 6 == 1 ? 1 : 0));
        return new GroupEvent.WorkerExited(worker, reason);
    }

    private static GroupEvent DeadLetterResult(int pick, bool written, bool stale, GroupState s)
    {
        var pending = s.Partitions.Values.Where(p => p.DeadLetter is { InFlight: true }).ToList();
        var (partition, offset) = !stale && pending.Count > 0
            ? (Choose(pending, pick).Partition, Choose(pending, pick).DeadLetter!.Value.Offset)
            : (ScriptRunner.Universe[pick % ScriptRunner.Universe.Length], (long)(pick % 10));
        return written ? new GroupEvent.DeadLetterWritten(partition, offset) : new GroupEvent.DeadLetterFailed(partition, offset, "destination down");
    }

    private GroupEvent OutOfRange(Intent.OutOfRange i, GroupState s)
    {
        // Where the worker would fetch next, or sometimes a position the client could not name.
        var worker = Target(i.Pick, i.Stopping, s) ?? DeadOrUnissued(i.Pick, s);
        return new GroupEvent.OffsetOutOfRange(worker, i.Pick % 5 == 0 ? -1_001 : _nextDelivery.GetValueOrDefault(worker));
    }

    private GroupEvent Position(Intent.Position i, GroupState s)
    {
        if (!i.Garbage && AwaitingPosition(s) is { Count: > 0 } awaiting)
        {
            var worker = Choose(awaiting, i.Pick);
            return new GroupEvent.WorkerPositioned(worker, _nextDelivery.GetValueOrDefault(worker));
        }

        // A report nobody awaits: a worker that started at an explicit offset or reported already, a stopping or dead one,
        // or an offset no client would name.
        var target = Target(i.Pick, preferStopping: i.Pick % 3 == 0, s) ?? DeadOrUnissued(i.Pick, s);
        return new GroupEvent.WorkerPositioned(target, i.Pick % 4 == 0 ? -1 - (i.Pick % 7) : _nextDelivery.GetValueOrDefault(target));
    }

    /// <summary>Live workers whose symbolic start has not been reported yet, in partition order.</summary>
    private static List<WorkerId> AwaitingPosition(GroupState s) =>
        [.. s.Partitions.Values.Where(p => p.Worker is not null && (p.RestartFloorOffset is null || p.Reset is not null)).Select(p => p.Worker!.Value)];

    private GroupEvent StrangeWorker(Intent.StrangeWorker i, GroupState s)
    {
        var id = new WorkerId(i.Id switch
        {
            WorkerIdKind.NotYetIssued => Saturating.Add(s.NextWorkerId, Mod(i.Number, 3)),
            WorkerIdKind.Dead => DeadOrUnissued((int)Mod(i.Number, 1_000), s).Value,
            WorkerIdKind.NonPositive => i.Number is long.MinValue or long.MaxValue ? long.MinValue : -Mod(i.Number, 1_000),
            _ => i.Number is long.MinValue or long.MaxValue ? long.MaxValue : Saturating.Add(s.NextWorkerId, 1_000 + Mod(i.Number, 1_000)),
        });
        return i.Event switch
        {
            WorkerEventKind.Stopped => new GroupEvent.WorkerStopped(id),
            WorkerEventKind.Exited => new GroupEvent.WorkerExited(id, ExitReason.Crashed("ghost")),
            WorkerEventKind.OutOfRange => new GroupEvent.OffsetOutOfRange(id, Mod(i.Number, 10)),
            _ => new GroupEvent.MessagesDelivered(id, 0, Mod(i.Number, 10)),
        };
    }

    private static WorkerId? Target(int pick, bool preferStopping, GroupState s)
    {
        var (live, stopping) = Workers(s);
        var targets = preferStopping ? (stopping.Count > 0 ? stopping : live) : (live.Count > 0 ? live : stopping);
        return targets.Count == 0 ? null : Choose(targets, pick);
    }

    private WorkerId DeadOrUnissued(int pick, GroupState s) =>
        _dead.Count > 0 && pick % 4 != 0 ? Choose(_dead, pick) : new WorkerId(s.NextWorkerId);

    /// <summary>The live workers and the stopping ones, in partition order, in one pass.</summary>
    private static (List<WorkerId> Live, List<WorkerId> Stopping) Workers(GroupState s)
    {
        var (live, stopping) = (new List<WorkerId>(), new List<WorkerId>());
        foreach (var p in s.Partitions.Values)
        {
            if (p.Worker is { } worker)
            {
                live.Add(worker);
            }
            else if (p.StoppingWorker is { } leaving)
            {
                stopping.Add(leaving);
            }
        }

        return (live, stopping);
    }

    // ---- acks ------------------------------------------------------------------------------------------------------

    private static GroupEvent Ack(Intent.Ack i, GroupState s)
    {
        var owned = s.Partitions.Values.ToList();
        var current = s.GenerationId ?? s.LastGenerationId ?? 1;
        if (owned.Count == 0 || i.Kind == AckKind.UnknownPartition)
        {
            TopicPartitionId[] strangers = [new("orders", 3 + (i.Pick % 5)), new("refunds", 0), new("orders", -1), new("", 0)];
            var tp = Choose(strangers, i.Pick);
            return new GroupEvent.Acked(tp.Topic, tp.Partition, current, Mod(i.Amount, 50));
        }

        var p = Choose(owned, i.Pick);
        var floor = IgnoreRules.AckFloor(p);
        var delivered = p.LastDeliveredOffset;
        var (generation, offset) = i.Kind switch
        {
            AckKind.Valid when delivered is { } d && d >= floor =>
                (ClampToInt(p.OwnedSinceGeneration + Mod(i.Pick, Math.Max(1, (long)current - p.OwnedSinceGeneration + 1))), floor + Mod(i.Amount, d - floor + 1)),
            AckKind.Valid or AckKind.LastDelivered => (current, delivered ?? Mod(i.Amount, 50)),
            AckKind.Backwards => (current, (p.LastAckedOffset ?? floor - 1) - Mod(i.Amount, 3)),
            AckKind.PastDelivered => (current, Saturating.Add(delivered ?? -1, 1 + Mod(i.Amount, 1_000))),
            AckKind.StaleGeneration => (ClampToInt((long)p.OwnedSinceGeneration - 1 - (i.Pick % 3)), delivered ?? 0),
            AckKind.FutureGeneration => (ClampToInt((long)current + 1 + (i.Pick % 3)), delivered ?? 0),
            AckKind.Negative => (current, i.Pick % 4 == 0 ? long.MinValue : -1 - Mod(i.Amount, 1_000)),
            _ => (current, i.Pick % 2 == 0 ? long.MaxValue : IgnoreRules.MaxOffset),
        };
        return new GroupEvent.Acked(p.Partition.Topic, p.Partition.Partition, generation, offset);
    }

    // ---- time and commits ------------------------------------------------------------------------------------------

    private GroupEvent Tick(TickKind kind, long amount, GroupState s)
    {
        var now = s.NowMs;
        return new GroupEvent.Tick(kind switch
        {
            TickKind.Small => Saturating.Add(now, Mod(amount, 1_000)),
            TickKind.CommitInterval => Saturating.Add(Saturating.Add(now, config.CommitIntervalMs), Mod(amount, 10)),
            TickKind.ToRestart => NextRestartDue(s) ?? Saturating.Add(now, Mod(amount, 1_000)),
            TickKind.ToDeadline => s.NextDeadlineMs(config) ?? Saturating.Add(now, Mod(amount, 1_000)),
            TickKind.Backwards => Saturating.Add(now, -1 - Mod(amount, 1_000)),
            _ => amount < 0 ? long.MaxValue : Saturating.Add(now, Saturating.Add(amount, 1_000_000)),
        });
    }

    private static long? NextRestartDue(GroupState s) =>
        s.Partitions.Values.Where(p => p.RestartDueMs > s.NowMs).Select(p => p.RestartDueMs).Min();

    private GroupEvent CompleteCommit(Intent.CompleteCommit i, GroupState s)
    {
        if (_inFlight.Count > 0)
        {
            return Complete(i.Pick, i.Outcome, i.Twist);
        }

        // Nothing in flight: a result for a commit this member never sent.
        var owned = s.Partitions.Values.ToList();
        var tp = owned.Count > 0 ? Choose(owned, i.Pick).Partition : Choose(ScriptRunner.Universe, i.Pick);
        var acked = owned.Count > 0 ? Choose(owned, i.Pick).LastAckedOffset ?? 0 : 0;
        var offset = Saturating.Add(acked, 1 + (i.Pick % 5));
        return new GroupEvent.CommitCompleted(s.GenerationId ?? 1, ValueList.Of(new PartitionOffset(tp, offset)), i.Outcome);
    }

    private GroupEvent Complete(int pick, CommitOutcome outcome, CommitTwist twist)
    {
        var index = pick % _inFlight.Count;
        var commit = _inFlight[index];
        if (twist == CommitTwist.None)
        {
            _inFlight.RemoveAt(index);
        }

        return twist switch
        {
            CommitTwist.OlderGeneration => new GroupEvent.CommitCompleted(ClampToInt((long)commit.GenerationId - 1), commit.Offsets, outcome),
            CommitTwist.NewerGeneration => new GroupEvent.CommitCompleted(ClampToInt((long)commit.GenerationId + 1), commit.Offsets, outcome),
            CommitTwist.OffsetsHigher => new GroupEvent.CommitCompleted(
                commit.GenerationId, commit.Offsets.Select(o => o with { NextOffset = Saturating.Add(o.NextOffset, 1) }).ToValueList(), outcome),
            CommitTwist.OffsetsLower => new GroupEvent.CommitCompleted(
                commit.GenerationId, commit.Offsets.Select(o => o with { NextOffset = o.NextOffset - 1 - (pick % 5) }).ToValueList(), outcome),
            CommitTwist.UnknownOutcome => new GroupEvent.CommitCompleted(commit.GenerationId, commit.Offsets, (CommitOutcome)7),
            _ => new GroupEvent.CommitCompleted(commit.GenerationId, commit.Offsets, outcome),
        };
    }

    // ---- revocation ------------------------------------------------------------------------------------------------

    private static GroupEvent Revoke(Intent.Revoke i)
    {
        PartitionSelection selection;
        if (i.All)
        {
            selection = PartitionSelection.All;
        }
        else
        {
            var named = new List<TopicPartitionId>();
            for (var k = 0; k < ScriptRunner.Universe.Length; k++)
            {
                if ((i.PartitionMask & (1 << k)) != 0)
                {
                    named.Add(ScriptRunner.Universe[k]);
                }
            }

            if ((i.PartitionMask & (1 << 6)) != 0)
            {
                named.Add(new TopicPartitionId("refunds", 0));
            }

            if ((i.PartitionMask & (1 << 7)) != 0 && named.Count > 0)
            {
                named.Add(named[0]);
            }

            selection = PartitionSelection.Only(named.ToValueList());
        }

        return i.Lost ? new GroupEvent.AssignmentsLost(selection) : new GroupEvent.AssignmentsRevoked(selection);
    }

    // ---- arithmetic that never overflows ---------------------------------------------------------------------------

    private static T Choose<T>(IReadOnlyList<T> items, int pick) => items[pick % items.Count];

    /// <summary>A non-negative remainder of any long, <see cref="long.MinValue"/> included.</summary>
    private static long Mod(long value, long modulus) => (long)(unchecked((ulong)value) % (ulong)modulus);

    private static int ClampToInt(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);
}
