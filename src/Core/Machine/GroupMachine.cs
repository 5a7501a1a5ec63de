using System.Diagnostics;

namespace Elsa.Sim.Core;

// Theory of operation
// -------------------
// Everything that changes a group manager's state lives in this file. `Step(state, event)` is a pure function: it reads
// the configuration (fixed at construction), the state and the event, and returns the next state and the effects a host
// must execute, in order. Time arrives only through `Tick`; every effect's result comes back as an event.
//
// Life of a partition (PartitionPhase):
//   AssignmentsReceived ──► AwaitingCallback ──(callback ok)──► Starting ──(no old worker, backoff over,
//   every callback of the assignment returned)──► Running ──(crash)──► Starting (after backoff) … or Parked / Failed
//   Running ──(crash that spends the budget, dead-letter policy, on the first unacked message)──► DeadLettering
//         ──(DeadLetterWritten)──► Starting after that message, fresh budget; (DeadLetterFailed)──► retried after backoff
//   Running ──(offset out of range)──► Starting at the reset policy's position, which the next worker resolves
//   any ──(AssignmentsRevoked)──► Revoking ──(worker stopped, no assignment callback under way)──► commit acks, revoked
//         callback, CompleteRevocation, gone
//   any ──(AssignmentsLost)──► Lost ──(likewise)──► revoked callback, CompleteRevocation, gone; nothing committed
//
// Rules that hold across the file:
// - Never two workers for a partition: a new worker starts only once the old one confirmed it stopped.
// - Acks are this ownership's only if tagged with a generation from OwnedSinceGeneration to the current one; anything
//   else is the outside world's mistake and becomes a Diagnostic with no state change.
// - Acks use Elsa's convention (last handled offset); commits use Kafka's (next offset). `+ 1` happens in PartitionState.
// - Commits never go below what is confirmed, never above what was acked, and never for a lost partition. A fenced
//   commit stops commits until the generation changes; its offsets then go out with the new generation.
// - Callbacks run one at a time, in partition order, and the first error fails the manager (Elsa's behaviour); the
//   revoked callback waits for an assignment callback under way.
// - Deliveries count only from the partition's live worker, or from a stopping one whose acks can still be committed
//   (revocation, shutdown): a previous owner's worker must not move where the next worker starts.
// - A symbolic start (earliest, latest, an offset reset) is resolved once: the worker reports where it landed
//   (WorkerPositioned) before any user code runs, and that offset becomes the partition's restart floor (a resolved
//   `latest` is committed at once, so no later owner resolves it again). Restarts go to the last ack + 1, never below the
//   floor, and never to a symbolic position again (Elsa #90: restarting at `latest` skipped what arrived in between).
//   Only a reset moves the floor.
// - A dead-lettered message counts as acked only once the destination acknowledged it: the commit never moves past a
//   poison message before then.
// - A commit result is believed only when it answers a commit in flight exactly (generation and offsets); with
//   direct_ack a retriable failure is sent again after the retry backoff, otherwise with the next interval.

/// <summary>The group manager as a pure, deterministic state machine. <see cref="Step"/> depends only on the
/// configuration, the state and the event: no I/O, no clock, no randomness, no threads. The same events always yield
/// the same states and effects.</summary>
public sealed class GroupMachine : IGroupMachine
{
    /// <summary>Creates a machine for a configuration.</summary>
    /// <exception cref="InvalidConfigurationException">When the configuration has problems; the message names each.</exception>
    public GroupMachine(GroupConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.EnsureValid();
        Config = config;
    }

    /// <summary>The configuration every step reads.</summary>
    public GroupConfig Config { get; }

    /// <summary>Applies one event.</summary>
    /// <exception cref="InvariantViolationException">Never for outside input; only if the machine itself is wrong.</exception>
    public Transition Step(GroupState state, GroupEvent @event)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(@event);
        var step = new StepBuilder(Config, state);
        switch (@event)
        {
            case GroupEvent.AssignmentsReceived e: step.OnAssignmentsReceived(e); break;
            case GroupEvent.AssignmentHandlerReturned e: step.OnAssignmentHandlerReturned(e); break;
            case GroupEvent.AssignmentsRevoked e: step.OnRevocation(e.Partitions, lost: false); break;
            case GroupEvent.AssignmentsLost e: step.OnRevocation(e.Partitions, lost: true); break;
            case GroupEvent.WorkerStopped e: step.OnWorkerGone(e.Worker, ExitReason.Normal, askedToStop: true); break;
            case GroupEvent.WorkerExited e: step.OnWorkerGone(e.Worker, e.Reason, askedToStop: false); break;
            case GroupEvent.WorkerPositioned e: step.OnWorkerPositioned(e); break;
            case GroupEvent.OffsetOutOfRange e: step.OnOffsetOutOfRange(e); break;
            case GroupEvent.MessagesDelivered e: step.OnMessagesDelivered(e); break;
            case GroupEvent.Acked e: step.OnAcked(e); break;
            case GroupEvent.CommitCompleted e: step.OnCommitCompleted(e); break;
            case GroupEvent.DeadLetterWritten e: step.OnDeadLetterWritten(e); break;
            case GroupEvent.DeadLetterFailed e: step.OnDeadLetterFailed(e); break;
            case GroupEvent.Tick e: step.OnTick(e); break;
            case GroupEvent.ShutdownRequested: step.OnShutdownRequested(); break;
            default: throw new UnreachableException($"unknown event {@event.GetType().Name}");
        }

        return step.Finish();
    }

    /// <summary>The accumulating result of one step. Mutable only while the step runs; never escapes it. A struct, so a step
    /// that emits nothing allocates only the states it produces.</summary>
    private struct StepBuilder(GroupConfig config, GroupState state)
    {
        // An offset must leave room for "offset + 1" (Kafka's next offset) without overflow.
        private const long MaxOffset = long.MaxValue - 1;

        // Created at the first effect: most steps (acks, deliveries) emit none, and a step should not allocate for nothing.
        private List<GroupEffect>? _effects;
        private GroupState _s = state;

        public Transition Finish() => new(_s, _effects is null ? ValueList<GroupEffect>.Empty : new ValueList<GroupEffect>(_effects));

        // ---- assignments -------------------------------------------------------------------------------------------

        public void OnAssignmentsReceived(GroupEvent.AssignmentsReceived e)
        {
            if (_s.Phase is ManagerPhase.Failed or ManagerPhase.ShuttingDown or ManagerPhase.Stopped)
            {
                Diagnose(DiagnosticKind.IgnoredEvent, $"assignment for generation {e.GenerationId} ignored: manager is {_s.Phase}", generation: e.GenerationId);
                return;
            }

            if (_s.LastGenerationId is { } last && e.GenerationId <= last)
            {
                Diagnose(DiagnosticKind.InvalidAssignment, $"assignment for generation {e.GenerationId} ignored: generation {last} was already seen", generation: e.GenerationId);
                return;
            }

            // Idle has no commit timer: the interval counts from the first assignment, so a commit is never due in the past.
            var lastCommitMs = _s.Phase == ManagerPhase.Idle ? _s.NowMs : _s.LastCommitMs;
            _s = _s with
            {
                Phase = ManagerPhase.Active, MemberId = e.MemberId, GenerationId = e.GenerationId, LastGenerationId = e.GenerationId,
                LastCommitMs = lastCommitMs,
            };
            var queue = _s.CallbackQueue.Items.ToBuilder();
            // Only a partition assigned again before its callback was called can be queued already; looked up in a set,
            // so an assignment of n partitions costs n, not n² (the queue's Remove is a linear search).
            var queued = _s.CallbackQueue.IsEmpty ? null : _s.CallbackQueue.ToHashSet();
            var seen = new HashSet<TopicPartitionId>();
            foreach (var assignment in e.Assignments.OrderBy(a => a.Partition))
            {
                var tp = assignment.Partition;
                if (!seen.Add(tp))
                {
                    Diagnose(DiagnosticKind.InvalidAssignment, $"{tp} assigned twice in generation {e.GenerationId}; the first is kept", tp, e.GenerationId);
                    continue;
                }

                if (tp.Partition < 0 || tp.Topic.Length == 0)
                {
                    Diagnose(DiagnosticKind.InvalidAssignment, $"'{tp}' is not a valid partition; ignored", tp, e.GenerationId);
                    continue;
                }

                var committed = assignment.CommittedOffset;
                if (committed is < 0 or > MaxOffset)
                {
                    Diagnose(DiagnosticKind.InvalidAssignment, $"{tp} reported committed offset {committed}; taken as nothing committed", tp, e.GenerationId, offset: committed);
                    committed = null;
                }

                if (_s.Partitions.TryGetValue(tp, out var leaving) && leaving.HoldsUpRevocation)
                {
                    // Assigned again before its revocation completed: it stays, so the revocation no longer waits for it.
                    _s = _s with { RevocationStopsAwaited = _s.RevocationStopsAwaited - 1 };
                }

                var stopping = StopLiveWorker(tp);
                var assigned = committed is { } c ? StartPosition.At(c) : config.Config.BeginOffset;
                Put(new PartitionState
                {
                    Partition = tp,
                    OwnedSinceGeneration = e.GenerationId,
                    AssignedPosition = assigned,
                    RestartFloorOffset = assigned.Kind == StartPositionKind.Offset ? assigned.Offset : null,
                    Phase = PartitionPhase.AwaitingCallback,
                    StoppingWorker = stopping,
                    CommittedOffset = committed,
                    CommitSentOffset = committed,
                });
                if (queued?.Contains(tp) == true)
                {
                    queue.Remove(tp);
                }

                queue.Add(tp);
            }

            _s = _s with { CallbackQueue = queue.ToImmutable() };
            InvokeNextCallbackOrStart();
        }

        public void OnAssignmentHandlerReturned(GroupEvent.AssignmentHandlerReturned e)
        {
            if (_s.CallbackInFlight != (e.Partition, e.GenerationId))
            {
                Diagnose(DiagnosticKind.StaleCallback, $"assignment callback result for {e.Partition} in generation {e.GenerationId} was not awaited", e.Partition, e.GenerationId);
                return;
            }

            _s = _s with { CallbackInFlight = null };
            if (_s.Phase != ManagerPhase.Active)
            {
                TryCompleteRevocation();
                return;
            }

            if (!e.Outcome.IsOk)
            {
                FailManager($"assignment_received_handler failed for {e.Partition} in generation {e.GenerationId}: {e.Outcome.Error}");
                return;
            }

            // The callback may have been invoked in a later generation than the one that assigned the partition (a
            // cooperative assignment came in between); it is this ownership's unless the partition was assigned afresh since.
            if (_s.Partitions.TryGetValue(e.Partition, out var p) && p.Phase == PartitionPhase.AwaitingCallback && p.OwnedSinceGeneration <= e.GenerationId)
            {
                Put(p with { Phase = PartitionPhase.Starting });
            }

            TryCompleteRevocation();
            InvokeNextCallbackOrStart();
        }

        private void InvokeNextCallbackOrStart()
        {
            if (_s.CallbackInFlight is not null || _s.Phase != ManagerPhase.Active)
            {
                return;
            }

            if (_s.CallbackQueue.IsEmpty)
            {
                StartReadyWorkers();
                return;
            }

            var next = _s.CallbackQueue[0];
            var generation = _s.GenerationId!.Value;
            _s = _s with { CallbackQueue = _s.CallbackQueue.Items.RemoveAt(0), CallbackInFlight = (next, generation) };
            Emit(new GroupEffect.InvokeAssignmentReceived(next, generation));
        }

        // ---- workers -----------------------------------------------------------------------------------------------

        private void StartReadyWorkers()
        {
            if (!_s.StartsWorkers)
            {
                return;
            }

            foreach (var p in _s.Partitions.Values)
            {
                if (p.ReadyToStart(_s.NowMs))
                {
                    StartWorker(p);
                }
                else if (p.DeadLetterRetryDue(_s.NowMs))
                {
                    RetryDeadLetter(p);
                }
            }
        }

        /// <summary>Starts <paramref name="tp"/>'s worker if it is ready: after a change to that partition alone, nothing
        /// else can have become ready (the ready-partitions-started invariant).</summary>
        private void StartIfReady(TopicPartitionId tp)
        {
            if (_s.StartsWorkers && _s.Partitions.TryGetValue(tp, out var p) && p.ReadyToStart(_s.NowMs))
            {
                StartWorker(p);
            }
        }

        private void StartWorker(PartitionState p)
        {
            var id = new WorkerId(_s.NextWorkerId);
            var generation = _s.GenerationId!.Value;
            Emit(new GroupEffect.StartWorker(id, p.Partition, generation, p.NextStartPosition));
            _s = _s with { NextWorkerId = _s.NextWorkerId + 1, Workers = _s.Workers.SetItem(id, p.Partition) };
            Put(p with { Phase = PartitionPhase.Running, Worker = id, RestartDueMs = null });
        }

        /// <summary>Asks the partition's live worker (if any) to stop; returns the worker the partition now waits for.</summary>
        private WorkerId? StopLiveWorker(TopicPartitionId tp)
        {
            if (!_s.Partitions.TryGetValue(tp, out var p))
            {
                return null;
            }

            if (p.Worker is { } live)
            {
                Emit(new GroupEffect.StopWorker(live));
                return live;
            }

            return p.StoppingWorker;
        }

        public void OnWorkerGone(WorkerId worker, ExitReason reason, bool askedToStop)
        {
            if (!_s.Workers.TryGetValue(worker, out var tp))
            {
                Diagnose(DiagnosticKind.UnknownWorker, $"{(askedToStop ? "stop" : "exit")} of {worker}, which is not running, ignored", worker: worker);
                return;
            }

            _s = _s with { Workers = _s.Workers.Remove(worker) };
            var p = _s.Partitions[tp];
            if (p.StoppingWorker == worker)
            {
                if (p.HoldsUpRevocation)
                {
                    _s = _s with { RevocationStopsAwaited = _s.RevocationStopsAwaited - 1 };
                }

                Put(p with { StoppingWorker = null });
            }
            else
            {
                OnUnexpectedExit(p with { Worker = null }, worker, reason);
            }

            TryCompleteRevocation();
            StartIfReady(tp);
            TryCompleteShutdown();
        }

        // Only an active manager has live workers: shutdown and failure turn every live worker into a stopping one.
        private void OnUnexpectedExit(PartitionState p, WorkerId worker, ExitReason reason)
        {
            var restart = config.Restart;
            var windowStartMs = Saturating.Add(_s.NowMs, -restart.WithinMs);
            var recent = p.RestartTimesMs.Where(t => t > windowStartMs).Append(_s.NowMs).ToValueList();
            if (recent.Count > restart.MaxRestarts)
            {
                var why = $"{p.Partition}'s worker {worker} ended ({reason}) {recent.Count} times within {restart.WithinMs} ms; the budget is {restart.MaxRestarts}";
                if (restart.WhenExhausted == RestartExhaustedPolicy.FailGroup)
                {
                    Put(p with { Phase = PartitionPhase.Starting, RestartTimesMs = recent });
                    FailManager(why);
                }
                else if (restart.WhenExhausted == RestartExhaustedPolicy.DeadLetter && PoisonOffset(p, reason) is { } poison)
                {
                    Put(p with { Phase = PartitionPhase.DeadLettering, RestartTimesMs = recent, DeadLetter = new PendingDeadLetter(poison, reason.Crash!, InFlight: true) });
                    Emit(new GroupEffect.DeadLetter(p.Partition, poison, reason.Crash!));
                    Diagnose(DiagnosticKind.DeadLettering, $"{why}; writing the message at {poison} to the dead-letter destination", p.Partition, worker: worker, offset: poison);
                }
                else
                {
                    var unattributed = restart.WhenExhausted == RestartExhaustedPolicy.DeadLetter
                        ? $"; nothing dead-lettered: {(reason.Offset is { } at ? $"the crash at {at} was not on the first unacknowledged message, {p.NextStartPosition}" : "the host could not tell which message the crash was on")};"
                        : ";";
                    Put(p with { Phase = PartitionPhase.Parked, RestartTimesMs = recent });
                    Diagnose(DiagnosticKind.PartitionParked, why + unattributed + " partition parked until reassigned", p.Partition, worker: worker);
                }

                return;
            }

            var backoffMs = BackoffMs(recent.Count);
            Put(p with { Phase = PartitionPhase.Starting, RestartTimesMs = recent, RestartDueMs = Saturating.Add(_s.NowMs, backoffMs) });
            Diagnose(DiagnosticKind.WorkerCrashed, $"{p.Partition}'s worker {worker} ended ({reason}); restart {recent.Count} of {restart.MaxRestarts} in {backoffMs} ms at {p.NextStartPosition}",
                p.Partition, worker: worker, offset: p.NextStartPosition.Kind == StartPositionKind.Offset ? p.NextStartPosition.Offset : null);
        }

        /// <summary>The message a dead letter may be written for: the one the crash was on, when it is the first message not
        /// acknowledged (skipping it skips nothing else; offsets between the two, if any, are not messages: the host says
        /// every message before the crash's was acked). Null when the host could not tell.</summary>
        private static long? PoisonOffset(PartitionState p, ExitReason reason) =>
            reason.Offset is { } at && p.NextStartPosition is { Kind: StartPositionKind.Offset } next && at >= next.Offset && at <= MaxOffset ? at : null;

        private long BackoffMs(int restartNumber)
        {
            // Doubles per restart in the window; 62 doublings already saturate a long.
            var backoff = config.Restart.BackoffMs;
            for (var i = 1; i < Math.Min(restartNumber, 63) && backoff < config.Restart.MaxBackoffMs; i++)
            {
                backoff = Saturating.Add(backoff, backoff);
            }

            return Math.Min(backoff, config.Restart.MaxBackoffMs);
        }

        public void OnDeadLetterWritten(GroupEvent.DeadLetterWritten e)
        {
            if (!TryGetDeadLettering(e.Partition, e.Offset, "written", out var p))
            {
                return;
            }

            // The destination holds the message: it counts as handled, and the partition goes on after it with a fresh budget.
            p = p with
            {
                Phase = PartitionPhase.Starting,
                DeadLetter = null,
                RestartDueMs = null,
                RestartTimesMs = ValueList<long>.Empty,
                // An ack that came in meanwhile (a late one, through the host's Ack) may have gone further already.
                LastAckedOffset = Math.Max(p.LastAckedOffset ?? e.Offset, e.Offset),
                LastDeliveredOffset = Math.Max(p.LastDeliveredOffset ?? e.Offset, e.Offset),
            };
            Put(p);
            Diagnose(DiagnosticKind.DeadLettered, $"{p.Partition}'s message at {e.Offset} was written to the dead-letter destination; going on at {e.Offset + 1}", p.Partition, offset: e.Offset);
            if (config.DirectAck)
            {
                Commit([p]);
            }

            StartIfReady(p.Partition);
        }

        public void OnDeadLetterFailed(GroupEvent.DeadLetterFailed e)
        {
            if (!TryGetDeadLettering(e.Partition, e.Offset, "failure", out var p))
            {
                return;
            }

            var backoffMs = BackoffMs(p.RestartTimesMs.Count);
            p = p with { DeadLetter = p.DeadLetter!.Value with { InFlight = false }, RestartDueMs = Saturating.Add(_s.NowMs, backoffMs) };
            Put(p);
            Diagnose(DiagnosticKind.DeadLetterFailed, $"writing {p.Partition}'s message at {e.Offset} to the dead-letter destination failed ({e.Reason}); trying again in {backoffMs} ms",
                p.Partition, offset: e.Offset);
            if (_s.StartsWorkers && p.DeadLetterRetryDue(_s.NowMs))
            {
                // No backoff: nothing later would make a tick due for it.
                RetryDeadLetter(p);
            }
        }

        /// <summary>The partition whose dead-letter write a result answers; false, after a diagnostic, when it answers none
        /// (the partition was revoked or reassigned since, or the manager stopped).</summary>
        private bool TryGetDeadLettering(TopicPartitionId tp, long offset, string what, out PartitionState partition)
        {
            if (_s.Phase == ManagerPhase.Active && _s.Partitions.TryGetValue(tp, out var p)
                && p.DeadLetter is { InFlight: true } pending && pending.Offset == offset)
            {
                partition = p;
                return true;
            }

            Diagnose(DiagnosticKind.IgnoredEvent, $"dead-letter {what} for {tp}@{offset} ignored: it answers no dead-letter write under way", tp, offset: offset);
            partition = null!;
            return false;
        }

        private void RetryDeadLetter(PartitionState p)
        {
            var pending = p.DeadLetter!.Value;
            Put(p with { DeadLetter = pending with { InFlight = true }, RestartDueMs = null });
            Emit(new GroupEffect.DeadLetter(p.Partition, pending.Offset, pending.Reason));
        }

        public void OnOffsetOutOfRange(GroupEvent.OffsetOutOfRange e)
        {
            if (!TryGetLivePartition(e.Worker, out var p))
            {
                Diagnose(DiagnosticKind.UnknownWorker, $"offset out of range from {e.Worker}, which is not running, ignored", worker: e.Worker, offset: e.Offset);
                return;
            }

            var reset = new PendingReset(
                config.Config.OffsetResetPolicy == OffsetResetPolicy.ResetToEarliest ? StartPosition.Earliest : StartPosition.Latest,
                e.Offset is >= 0 and <= MaxOffset ? e.Offset : null);
            Emit(new GroupEffect.StopWorker(e.Worker));
            Put(p with { Phase = PartitionPhase.Starting, Worker = null, StoppingWorker = e.Worker, Reset = reset });
            Diagnose(DiagnosticKind.OffsetOutOfRange, $"{p.Partition}'s worker {e.Worker} is out of range at {(reset.FromOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown position")}; restarting at {reset.Position}",
                p.Partition, worker: e.Worker, offset: reset.FromOffset);
        }

        public void OnWorkerPositioned(GroupEvent.WorkerPositioned e)
        {
            if (!TryGetLivePartition(e.Worker, out var p))
            {
                Diagnose(DiagnosticKind.UnknownWorker, $"position of {e.Worker}, which is not running, ignored", worker: e.Worker, offset: e.Offset);
                return;
            }

            if (e.Offset is < 0 or > MaxOffset || !p.AwaitsPosition)
            {
                var why = e.Offset is < 0 or > MaxOffset ? "offsets are 0 or more" : $"it started at {p.RestartFloorOffset}, an explicit offset, or reported already";
                Diagnose(DiagnosticKind.UnexpectedPosition, $"position {e.Offset} of {p.Partition}'s worker {e.Worker} ignored: {why}", p.Partition, worker: e.Worker, offset: e.Offset);
                return;
            }

            Position(p, e.Offset);
        }

        /// <summary>The live worker's symbolic start landed at <paramref name="offset"/>: it becomes the restart floor, and a
        /// reset under way is done.</summary>
        private void Position(PartitionState p, long offset)
        {
            Debug.Assert(p.AwaitsPosition, "only an unresolved symbolic start is positioned");
            if (p.Reset is { } reset)
            {
                long? skipped = reset.FromOffset is { } from ? Math.Max(0, offset - from) : null;
                Diagnose(DiagnosticKind.OffsetReset, $"{p.Partition}'s offset reset to {reset.Position} landed at {offset}; {(skipped?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown number of")} offsets skipped",
                    p.Partition, worker: p.Worker, offset: offset, skipped: skipped);
            }

            var latest = (p.Reset?.Position ?? p.AssignedPosition).Kind == StartPositionKind.Latest;
            p = p with
            {
                RestartFloorOffset = offset,
                Reset = null,
                CommitFloorOffset = latest ? Math.Max(offset, p.CommitFloorOffset ?? offset) : p.CommitFloorOffset,
            };
            Put(p);

            // A resolved `latest` is made durable at once: a member that dies before its first ack must not leave the next
            // owner to resolve it again, further on, past what was produced in between.
            Commit([p]);
        }

        public void OnMessagesDelivered(GroupEvent.MessagesDelivered e)
        {
            if (!_s.Workers.TryGetValue(e.Worker, out var tp))
            {
                Diagnose(DiagnosticKind.UnknownWorker, $"delivery to {e.Worker}, which is not running, ignored", worker: e.Worker, offset: e.FirstOffset);
                return;
            }

            if (e.FirstOffset < 0 || e.LastOffset < e.FirstOffset || e.LastOffset > MaxOffset)
            {
                Diagnose(DiagnosticKind.IgnoredEvent, $"delivery of offsets {e.FirstOffset}..{e.LastOffset} to {e.Worker} is malformed; ignored", tp, worker: e.Worker, offset: e.FirstOffset);
                return;
            }

            var p = _s.Partitions[tp];
            if (p.Worker != e.Worker && p.Phase != PartitionPhase.Revoking && _s.Phase != ManagerPhase.ShuttingDown)
            {
                // A stopping worker's deliveries count only while its acks can still be committed (revocation, shutdown).
                // Otherwise it is a previous owner's worker or one whose position was reset: it must not move where the
                // next worker starts.
                Diagnose(DiagnosticKind.UnknownWorker, $"delivery to {e.Worker}, which is stopping and no longer serves {tp}, ignored", tp, worker: e.Worker, offset: e.FirstOffset);
                return;
            }

            if (p.Worker == e.Worker && p.AwaitsPosition)
            {
                // The host never said where the symbolic start landed; the first delivery shows it.
                Position(p, e.FirstOffset);
                p = _s.Partitions[tp];
            }

            Put(p with { LastDeliveredOffset = Math.Max(p.LastDeliveredOffset ?? e.LastOffset, e.LastOffset) });
        }

        private bool TryGetLivePartition(WorkerId worker, out PartitionState partition)
        {
            if (_s.Workers.TryGetValue(worker, out var tp) && _s.Partitions[tp] is { } p && p.Worker == worker)
            {
                partition = p;
                return true;
            }

            partition = null!;
            return false;
        }

        // ---- acks and commits --------------------------------------------------------------------------------------

        public void OnAcked(GroupEvent.Acked e)
        {
            if (_s.Phase is not (ManagerPhase.Active or ManagerPhase.ShuttingDown))
            {
                Diagnose(DiagnosticKind.StaleAck, $"ack of {e.Topic}/{e.Partition}@{e.Offset} (generation {e.GenerationId}) ignored: manager is {_s.Phase}", new TopicPartitionId(e.Topic, e.Partition), e.GenerationId, offset: e.Offset);
                return;
            }

            if (e.Offset is < 0 or > MaxOffset)
            {
                Diagnose(DiagnosticKind.InvalidAck, $"ack of {e.Topic}/{e.Partition} with offset {e.Offset} ignored: offsets are 0 or more", new TopicPartitionId(e.Topic, e.Partition), e.GenerationId, offset: e.Offset);
                return;
            }

            var tp = new TopicPartitionId(e.Topic, e.Partition);
            if (!_s.Partitions.TryGetValue(tp, out var p))
            {
                Diagnose(DiagnosticKind.InvalidAck, $"ack of {tp}@{e.Offset} ignored: {tp} is not assigned to this member", tp, e.GenerationId, offset: e.Offset);
                return;
            }

            if (e.GenerationId > _s.GenerationId || e.GenerationId < p.OwnedSinceGeneration || p.Phase == PartitionPhase.Lost)
            {
                Diagnose(DiagnosticKind.StaleAck, $"ack of {tp}@{e.Offset} from generation {e.GenerationId} ignored: {tp} is owned since generation {p.OwnedSinceGeneration}, current {_s.GenerationId}{(p.Phase == PartitionPhase.Lost ? ", and lost" : "")}", tp, e.GenerationId, offset: e.Offset);
                return;
            }

            if (p.LastDeliveredOffset is not { } delivered || e.Offset > delivered)
            {
                Diagnose(DiagnosticKind.InvalidAck, $"ack of {tp}@{e.Offset} ignored: only up to {(p.LastDeliveredOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing")} was delivered", tp, e.GenerationId, offset: e.Offset);
                return;
            }

            var floor = Math.Max(Math.Max(p.CommittedOffset ?? 0, p.CommitSentOffset ?? 0), (p.LastAckedOffset ?? -1) + 1);
            if (e.Offset + 1 <= floor)
            {
                Diagnose(DiagnosticKind.AckNotAhead, $"ack of {tp}@{e.Offset} ignored: already acked or committed up to next offset {floor}", tp, e.GenerationId, offset: e.Offset);
                return;
            }

            p = p with { LastAckedOffset = e.Offset };
            Put(p);
            if (config.DirectAck)
            {
                Commit([p]);
            }
        }

        public void OnCommitCompleted(GroupEvent.CommitCompleted e)
        {
            var answered = _s.CommitsInFlight.Items.IndexOf(new GroupEffect.CommitOffsets(e.GenerationId, e.Offsets));
            if (answered < 0)
            {
                Diagnose(DiagnosticKind.StaleCommitResult, $"commit result ({e.Outcome}) from generation {e.GenerationId} for {e.Offsets} ignored: it answers no commit in flight",
                    generation: e.GenerationId, partitions: e.Offsets.Select(o => o.Partition));
                return;
            }

            _s = _s with { CommitsInFlight = new ValueList<GroupEffect.CommitOffsets>(_s.CommitsInFlight.Items.RemoveAt(answered)) };
            var outcome = e.Outcome;
            if (!Enum.IsDefined(outcome))
            {
                // A host's bug, but the commit's fate is unknown: sending it again is the safe answer.
                Diagnose(DiagnosticKind.IgnoredEvent, $"commit outcome {(int)e.Outcome} is not known; taken as a retriable failure",
                    generation: e.GenerationId, partitions: e.Offsets.Select(o => o.Partition));
                outcome = CommitOutcome.RetriableError;
            }

            var stale = new List<TopicPartitionId>();
            var changed = new List<TopicPartitionId>();
            foreach (var (tp, offset) in e.Offsets)
            {
                // Sent by this member, but the partition left (or was assigned afresh) since.
                if (!_s.Partitions.TryGetValue(tp, out var p) || e.GenerationId < p.OwnedSinceGeneration)
                {
                    stale.Add(tp);
                    continue;
                }

                changed.Add(tp);
                if (outcome == CommitOutcome.Success)
                {
                    Put(p with
                    {
                        CommittedOffset = Math.Max(p.CommittedOffset ?? offset, offset),
                        CommitSentOffset = Math.Max(p.CommitSentOffset ?? offset, offset),
                    });
                }
                else if (p.CommitSentOffset == offset)
                {
                    // Either way the offsets go out again: a retriable failure after the retry backoff (direct_ack) or on
                    // the next interval, a fenced commit once the generation has changed (a partition kept across a
                    // cooperative rebalance would otherwise never commit its last acks).
                    Put(p with { CommitSentOffset = p.CommittedOffset });
                }
            }

            if (stale.Count > 0)
            {
                Diagnose(DiagnosticKind.StaleCommitResult, $"commit result ({outcome}) from generation {e.GenerationId} for {string.Join(", ", stale)} ignored: no longer owned since that generation",
                    generation: e.GenerationId, partitions: stale);
            }

            if (changed.Count > 0 && outcome == CommitOutcome.RetriableError)
            {
                if (config.DirectAck)
                {
                    _s = _s with { CommitRetryDueMs = Saturating.Add(_s.NowMs, config.CommitRetryBackoffMs) };
                }

                Diagnose(DiagnosticKind.CommitRetry, $"commit for {string.Join(", ", changed)} in generation {e.GenerationId} failed; will retry",
                    generation: e.GenerationId, partitions: changed);
            }
            else if (changed.Count > 0 && outcome == CommitOutcome.Fenced)
            {
                // Only a result of this generation fences it: an older generation's fenced commit says nothing of this one.
                if (e.GenerationId == _s.GenerationId)
                {
                    _s = _s with { FencedGenerationId = e.GenerationId };
                }

                Diagnose(DiagnosticKind.CommitFenced, $"commit for {string.Join(", ", changed)} in generation {e.GenerationId} was fenced; no commit until the next generation",
                    generation: e.GenerationId, partitions: changed);
            }
        }

        /// <summary>Commits, in one effect, whatever the given partitions acked beyond what was sent. A
        /// <paramref name="lastChance"/> commit (a revocation's or the shutdown's) is sent even in a fenced generation.</summary>
        private void Commit(IEnumerable<PartitionState> partitions, bool lastChance = false)
        {
            if (_s.FencedGenerationId == _s.GenerationId && !lastChance)
            {
                // The coordinator refuses this generation; an ordinary commit waits for the next one. A last chance cannot
                // wait: the fence may be the very rebalance under way, and the client, in the new generation by now,
                // stamps the commit with it (seed 6150).
                return;
            }

            List<PartitionOffset>? offsets = null;
            foreach (var p in partitions)
            {
                if (p.Phase != PartitionPhase.Lost && p.UncommittedOffset is { } next)
                {
                    (offsets ??= []).Add(new PartitionOffset(p.Partition, next));
                    Put(p with { CommitSentOffset = next });
                }
            }

            if (offsets is not null)
            {
                var commit = new GroupEffect.CommitOffsets(_s.GenerationId!.Value, new ValueList<PartitionOffset>(offsets));
                _s = _s with { CommitsInFlight = _s.CommitsInFlight.Add(commit) };
                Emit(commit);
            }
        }

        public void OnTick(GroupEvent.Tick e)
        {
            if (e.NowMs < _s.NowMs)
            {
                Diagnose(DiagnosticKind.TimeWentBackwards, $"tick at {e.NowMs} ms ignored: already at {_s.NowMs} ms", offset: e.NowMs);
                return;
            }

            _s = _s with { NowMs = e.NowMs };
            if (_s.Phase != ManagerPhase.Active)
            {
                return;
            }

            StartReadyWorkers();
            var retryDue = _s.CommitRetryDueMs <= e.NowMs;
            if (retryDue)
            {
                _s = _s with { CommitRetryDueMs = null };
            }

            if (e.NowMs >= Saturating.Add(_s.LastCommitMs, config.CommitIntervalMs))
            {
                _s = _s with { LastCommitMs = e.NowMs };
                Commit(_s.Partitions.Values);
            }
            else if (retryDue)
            {
                Commit(_s.Partitions.Values);
            }
        }

        // ---- revocation, loss, failure, shutdown -------------------------------------------------------------------

        public void OnRevocation(PartitionSelection selection, bool lost)
        {
            var named = (selection.IsAll ? _s.Partitions.Keys : selection.Partitions).Distinct().ToList();
            foreach (var tp in named)
            {
                if (!_s.Partitions.TryGetValue(tp, out var p))
                {
                    Diagnose(DiagnosticKind.UnknownPartition, $"{(lost ? "loss" : "revocation")} of {tp}, which this member does not own", tp);
                    continue;
                }

                var stopping = StopLiveWorker(tp);
                var phase = lost || p.Phase == PartitionPhase.Lost ? PartitionPhase.Lost : PartitionPhase.Revoking;
                var leaving = p with { Phase = phase, Worker = null, StoppingWorker = stopping, RestartDueMs = null, DeadLetter = null };
                if (leaving.HoldsUpRevocation && !p.HoldsUpRevocation)
                {
                    _s = _s with { RevocationStopsAwaited = _s.RevocationStopsAwaited + 1 };
                }

                Put(leaving);
            }

            // Once for the whole revocation, with sets: per partition, each of these is a linear search.
            if (!_s.CallbackQueue.IsEmpty)
            {
                var revoked = named.ToHashSet();
                _s = _s with { CallbackQueue = _s.CallbackQueue.Items.RemoveAll(revoked.Contains) };
            }

            var pending = _s.PendingRevocation ?? ValueList<TopicPartitionId>.Empty;
            var alreadyPending = pending.ToHashSet();
            _s = _s with { PendingRevocation = pending.Items.AddRange(named.Where(tp => !alreadyPending.Contains(tp))) };
            TryCompleteRevocation();
            InvokeNextCallbackOrStart();
        }

        private void TryCompleteRevocation()
        {
            if (_s.PendingRevocation is not { } named)
            {
                return;
            }

            // The revoked callback waits for the workers to stop and for any assignment callback under way: one at a time.
            if (_s.RevocationStopsAwaited > 0 || _s.CallbackInFlight is not null)
            {
                return;
            }

            var leaving = _s.Partitions.Values.Where(p => p.Phase is PartitionPhase.Revoking or PartitionPhase.Lost).ToList();
            // A failed or stopped manager has finished its work: it only lets the rebalance go on.
            if (_s.Phase is not (ManagerPhase.Failed or ManagerPhase.Stopped))
            {
                Commit(leaving.Where(p => p.Phase == PartitionPhase.Revoking), lastChance: true);
                Emit(new GroupEffect.InvokeAssignmentsRevoked(named));
            }

            Emit(new GroupEffect.CompleteRevocation(named));
            _s = _s with
            {
                Partitions = _s.Partitions.RemoveRange(leaving.Select(p => p.Partition)),
                PendingRevocation = null,
            };
            if (_s.Partitions.IsEmpty && _s.Phase == ManagerPhase.Active)
            {
                // Elsa clears the generation once everything is revoked; acks tagged with it are stale from now on.
                _s = _s with { Phase = ManagerPhase.Idle, GenerationId = null };
            }
        }

        private void FailManager(string reason)
        {
            StopAllWorkers();
            _s = _s with { Phase = ManagerPhase.Failed, FailureReason = reason, CallbackQueue = ValueQueue<TopicPartitionId>.Empty };
            Emit(new GroupEffect.Fail(reason));
            TryCompleteRevocation();
        }

        public void OnShutdownRequested()
        {
            if (_s.Phase is ManagerPhase.ShuttingDown or ManagerPhase.Stopped or ManagerPhase.Failed)
            {
                Diagnose(DiagnosticKind.IgnoredEvent, $"shutdown ignored: manager is {_s.Phase}");
                return;
            }

            StopAllWorkers();
            _s = _s with { Phase = ManagerPhase.ShuttingDown, CallbackQueue = ValueQueue<TopicPartitionId>.Empty };
            TryCompleteShutdown();
        }

        private void StopAllWorkers()
        {
            foreach (var p in _s.Partitions.Values)
            {
                if (p.Worker is { } live)
                {
                    Emit(new GroupEffect.StopWorker(live));
                    Put(p with
                    {
                        Phase = p.Phase == PartitionPhase.Running ? PartitionPhase.Starting : p.Phase,
                        Worker = null,
                        StoppingWorker = live,
                        RestartDueMs = null,
                    });
                }
            }
        }

        private void TryCompleteShutdown()
        {
            if (_s.Phase != ManagerPhase.ShuttingDown || !_s.Workers.IsEmpty)
            {
                return;
            }

            Commit(_s.Partitions.Values, lastChance: true);
            Emit(new GroupEffect.CompleteShutdown());
            _s = _s with { Phase = ManagerPhase.Stopped };
        }

        // ---- plumbing ----------------------------------------------------------------------------------------------

        private void Put(PartitionState p) => _s = _s with { Partitions = _s.Partitions.SetItem(p.Partition, p) };

        private void Emit(GroupEffect effect) => (_effects ??= []).Add(effect);

        private void Diagnose(DiagnosticKind kind, string detail, TopicPartitionId? partition = null, int? generation = null, WorkerId? worker = null,
            long? offset = null, long? skipped = null, IEnumerable<TopicPartitionId>? partitions = null) =>
            Emit(new GroupEffect.Diagnostic(kind, detail)
            {
                Partitions = partition is { } one ? ValueList.Of(one) : partitions is null ? ValueList<TopicPartitionId>.Empty : partitions.ToValueList(),
                GenerationId = generation,
                Worker = worker,
                Offset = offset,
                SkippedOffsets = skipped,
            });
    }
}

/// <summary>The result of one <see cref="GroupMachine.Step"/>: the next state and the effects to execute, in order.</summary>
public readonly record struct Transition(GroupState State, ValueList<GroupEffect> Effects);
