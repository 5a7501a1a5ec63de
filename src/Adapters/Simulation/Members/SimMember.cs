using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>One group member: the real machine (or a wrapper around it) plus a host that executes its effects against
/// the simulated coordinator and workers, the way the Kafka adapter does against a real client. The member also keeps
/// the simulator's own account of what it owns and handled (<see cref="OwnershipEpoch"/>), which the checkers compare
/// with what it commits.</summary>
internal sealed class SimMember : ICoordinatorClient, IIncarnated
{
    private readonly World _world;
    private readonly SimRandom _rng;
    private readonly Dictionary<WorkerId, SimWorker> _workers = [];
    private readonly Dictionary<TopicPartition, OwnershipEpoch> _epochs = [];
    private readonly HashSet<TopicPartition> _lost = [];
    private readonly Dictionary<FaultKind, long> _windowUntilMs = [];
    private readonly Dictionary<FaultKind, int> _armed = [];
    private readonly Dictionary<TopicPartition, long> _armedAckBeyond = [];
    private readonly HashSet<TopicPartition> _armedHandlerException = [];

    private IGroupMachine _machine;
    private GroupState _state = GroupState.Initial;
    private int _assignedGeneration;
    private bool _joining;
    private AfterRevocation _afterRevocation;
    private long _toMemberFreeAtMs;
    private long _toCoordinatorFreeAtMs;
    private long _workerChannelFreeAtMs;
    private long _tickAtMs = long.MaxValue;
    private long _restartAfterShutdownMs;
    private int? _generationBeforeStep;

    public SimMember(World world, int index, GroupConfig config)
    {
        _world = world;
        Index = index;
        Config = config;
        _rng = SimRandom.Stream(world.Seed, 0x3E3B_0000UL + (ulong)index);
        _machine = world.Options.MachineFactory(config);
        Profile = HandlerProfile.Draw(_rng);
    }

    private enum AfterRevocation
    {
        Nothing,
        Rejoin,
        RejoinAsNewMember,
    }

    public int Index { get; }

    public GroupConfig Config { get; }

    public HandlerProfile Profile { get; }

    public bool Alive { get; private set; }

    /// <summary>Counts crashes and restarts: work scheduled before one of them is void (see <see cref="AfterDelay"/>).</summary>
    public int Incarnation { get; private set; }

    public string? MemberId { get; private set; }

    public SimRandom Random => _rng;

    public World World => _world;

    // ---- life ----------------------------------------------------------------------------------------------------------

    public void Start()
    {
        Alive = true;
        Incarnation++;
        _machine = _world.Options.MachineFactory(Config);
        _state = GroupState.Initial;
        MemberId = null;
        _assignedGeneration = 0;
        _afterRevocation = AfterRevocation.Nothing;
        _tickAtMs = long.MaxValue;
        Feed(new GroupEvent.Tick(_world.Timeline.NowMs));
        Join();
        ScheduleHeartbeat();
    }

    /// <summary>The process dies: workers vanish without a word, nothing is committed, the coordinator is not told.</summary>
    public void Crash(long restartAfterMs)
    {
        if (!Alive)
        {
            return;
        }

        GoDown("crashed");
        AfterDelay(restartAfterMs, Start, anyIncarnation: true);
    }

    /// <summary>A graceful restart: stop workers, commit, leave, rejoin later.</summary>
    public void Restart(long rejoinAfterMs)
    {
        _restartAfterShutdownMs = rejoinAfterMs;
        Feed(new GroupEvent.ShutdownRequested());
    }

    /// <summary>The member process ends. Its workers die with it without a word to anyone, so the trace says so here:
    /// a timeline would otherwise draw them alive until their ids are reused by the restarted member.</summary>
    private void GoDown(string how)
    {
        var dying = string.Join(", ", _workers.Keys.Order());
        _world.Note("down", $"member {Index} is down ({how}); {(dying.Length == 0 ? "no live workers" : $"workers {dying} die with it")}");
        Alive = false;
        Incarnation++;
        foreach (var worker in _workers.Values)
        {
            worker.Kill();
        }

        _workers.Clear();
        foreach (var tp in _epochs.Keys)
        {
            _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
        }

        _epochs.Clear();
        _lost.Clear();
    }

    // ---- feeding the machine -------------------------------------------------------------------------------------------

    /// <summary>Steps the machine with one event, checks its invariants, records the trace and executes the effects.</summary>
    public void Feed(GroupEvent @event)
    {
        if (!Alive || _world.Stopped)
        {
            return;
        }

        var before = _state;
        Transition transition;
        try
        {
            transition = _machine.Step(before, @event);
            GroupInvariants.Check(before, transition);
        }
        catch (InvariantViolationException e)
        {
            _world.Violate($"invariant:{e.Invariant}", $"member {Index} on {@event}: {e.Detail}");
            return;
        }
#pragma warning disable CA1031 // Any other exception from the machine is a finding, not a simulator crash.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _world.Violate(ViolationKinds.Crash, $"member {Index} on {@event}: {e.GetType().Name}: {e.Message}");
            return;
        }

        _state = transition.State;
        _generationBeforeStep = before.GenerationId;
        _world.RecordStep(Index, @event, transition.Effects);
        Observe(@event);
        var incarnation = Incarnation;
        foreach (var effect in transition.Effects)
        {
            if (incarnation != Incarnation || _world.Stopped)
            {
                return;
            }

            Execute(effect);
        }

        ScheduleTick();
    }

    /// <summary>Updates the simulator's own account from what the machine was told.</summary>
    private void Observe(GroupEvent @event)
    {
        switch (@event)
        {
            case GroupEvent.AssignmentsReceived e:
                foreach (var (tp, committed) in e.Assignments)
                {
                    _epochs[tp] = new OwnershipEpoch(e.GenerationId, committed);
                    _lost.Remove(tp);
                    _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
                }

                break;
            case GroupEvent.Acked e:
                var partition = new TopicPartition(e.Topic, e.Partition);
                if (_epochs.TryGetValue(partition, out var epoch) && !_lost.Contains(partition) &&
                    e.GenerationId >= epoch.Generation && e.GenerationId <= _state.GenerationId &&
                    e.Offset >= 0 && e.Offset <= epoch.MaxDelivered)
                {
                    epoch.MaxLegitimateAck = Math.Max(epoch.MaxLegitimateAck, e.Offset);
                }

                break;
            case GroupEvent.AssignmentsLost e:
                foreach (var tp in e.Partitions.IsAll ? _epochs.Keys.ToArray() : [.. e.Partitions.Partitions])
                {
                    _lost.Add(tp);
                    _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
                }

                break;
            case GroupEvent.AssignmentsRevoked e:
                foreach (var tp in e.Partitions.IsAll ? _epochs.Keys.ToArray() : [.. e.Partitions.Partitions])
                {
                    _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
                }

                break;
            default:
                break;
        }
    }

    private void Execute(GroupEffect effect)
    {
        switch (effect)
        {
            case GroupEffect.InvokeAssignmentReceived invoke:
                var slow = InWindow(FaultKind.CallbackDelay);
                AfterDelay(slow ? _rng.Between(200, 3_000) : _rng.Between(0, 3),
                    () => Feed(new GroupEvent.AssignmentHandlerReturned(invoke.Partition, invoke.GenerationId, CallbackOutcome.Ok)));
                break;
            case GroupEffect.InvokeAssignmentsRevoked:
                break;
            case GroupEffect.StartWorker start:
                StartWorker(start);
                break;
            case GroupEffect.StopWorker stop:
                if (_workers.TryGetValue(stop.Worker, out var worker))
                {
                    worker.RequestStop();
                }

                break;
            case GroupEffect.CommitOffsets commit:
                SendCommit(commit);
                break;
            case GroupEffect.CompleteRevocation done:
                CompleteRevocation(done.Partitions);
                break;
            case GroupEffect.CompleteShutdown:
                LeaveAndRejoinLater("shut down", _restartAfterShutdownMs);
                break;
            case GroupEffect.Diagnostic diagnostic:
                _world.Stats.CountDiagnostic(diagnostic.Kind);
                break;
            case GroupEffect.Fail:
                _world.Stats.MemberFailures++;
                LeaveAndRejoinLater("failed", _rng.Between(500, 3_000));
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"unknown effect {effect}");
        }
    }

    private void ScheduleTick()
    {
        if (_state.NextDeadlineMs(Config) is not { } deadline || deadline >= _tickAtMs)
        {
            return;
        }

        _tickAtMs = Math.Max(deadline, _world.Timeline.NowMs);
        AfterDelay(_tickAtMs - _world.Timeline.NowMs, () =>
        {
            _tickAtMs = long.MaxValue;
            Feed(new GroupEvent.Tick(_world.Timeline.NowMs));
        });
    }

    // ---- workers -------------------------------------------------------------------------------------------------------

    private void StartWorker(GroupEffect.StartWorker start)
    {
        foreach (var other in _workers.Values)
        {
            if (other.Partition == start.Partition && other.Alive)
            {
                _world.Violate(ViolationKinds.TwoLiveWorkers, $"member {Index} started {start.Worker} for {start.Partition} while {other.Id} still runs");
                return;
            }
        }

        if (!_epochs.TryGetValue(start.Partition, out var epoch))
        {
            _world.Violate(ViolationKinds.CommitByNonOwner, $"member {Index} started {start.Worker} for {start.Partition}, which it was never assigned");
            return;
        }

        if (!epoch.Positioned)
        {
            // The ownership's first worker, with nothing committed: where begin_offset puts it, by the simulator's own
            // reading of the log, whatever the machine said. The group's reading is anchored there again: nothing made an
            // earlier start durable.
            var begin = _world.ResolveBegin(start.Partition);
            epoch.Position(begin);
            _world.History(start.Partition).Anchor = begin;
        }

        var worker = new SimWorker(this, start, epoch);
        _workers[start.Worker] = worker;
        worker.Start();
    }

    /// <summary>This member's current ownership of <paramref name="tp"/>, if it has one.</summary>
    public OwnershipEpoch? EpochOf(TopicPartition tp) => _epochs.GetValueOrDefault(tp);

    /// <summary>A worker's message to its manager (an ack, a stop, an exit): one FIFO channel, as an Erlang mailbox or a
    /// channel would be, unless an ack fault bends it.</summary>
    public void FromWorker(GroupEvent @event)
    {
        var nowMs = _world.Timeline.NowMs;
        var ack = @event is GroupEvent.Acked;
        long atMs;
        if (ack && InWindow(FaultKind.AckDelay))
        {
            atMs = nowMs + _rng.Between(100, 3_000);
        }
        else if (ack && InWindow(FaultKind.AckReorder))
        {
            atMs = nowMs + _rng.Between(0, 500);
        }
        else
        {
            atMs = Math.Max(nowMs + _rng.Between(0, 1), _workerChannelFreeAtMs);
            _workerChannelFreeAtMs = atMs;
        }

        if (ack && InWindow(FaultKind.AckDuplicate))
        {
            AfterDelay(atMs - nowMs + _rng.Between(0, 200), () => Feed(@event));
        }

        // The machine measures restart backoff from its own clock: bring it to now before it hears of a crash.
        var crash = @event is GroupEvent.WorkerExited;
        AfterDelay(atMs - nowMs, () =>
        {
            if (crash && _state.NowMs < _world.Timeline.NowMs)
            {
                Feed(new GroupEvent.Tick(_world.Timeline.NowMs));
            }

            Feed(@event);
        });
    }

    public void Forget(SimWorker worker) => _workers.Remove(worker.Id);

    /// <summary>A handled message, as the simulator sees it.</summary>
    public void RecordHandled(SimWorker worker, long offset)
    {
        var tp = worker.Partition;
        // A fenced member (a zombie the coordinator already expelled) handling what the new owner handles, in either
        // order, is the at-least-once price of a session timeout: its handling is itself a cause.
        var history = _world.History(tp);
        if (MemberId is not { } id || !_world.Coordinator.IsMember(id))
        {
            history.LastCauseMs = _world.Timeline.NowMs;
        }

        if (!history.RecordHandled(offset, _world.Timeline.NowMs))
        {
            _world.Violate(ViolationKinds.DuplicateWithoutCause, $"member {Index}'s {worker.Id} handled {tp}@{offset} again with no crash, revocation, loss or failed commit since it was first handled");
        }

        if (offset < worker.Epoch.BaseOffset)
        {
            _world.Violate(ViolationKinds.HandledBelowCommit, $"member {Index}'s {worker.Id} handled {tp}@{offset}, below {worker.Epoch.BaseOffset} where its ownership (generation {worker.Epoch.Generation}) started");
        }

        worker.Epoch.MarkHandled(offset);
        _world.Stats.MessagesHandled++;
    }

    /// <summary>A worker is about to hand a batch to its handler: its member must still own the partition through the
    /// same ownership the worker was started in (not revoked to completion, not lost).</summary>
    public void CheckStillOwns(SimWorker worker)
    {
        var tp = worker.Partition;
        if (!_epochs.TryGetValue(tp, out var current) || !ReferenceEquals(current, worker.Epoch) || _lost.Contains(tp))
        {
            _world.Violate(ViolationKinds.HandledAfterRevocation, $"member {Index}'s {worker.Id} handed {tp} messages to its handler (generation {worker.Generation}) after the member's ownership of it had ended");
        }
    }

    public void CrashWorkerOf(TopicPartition tp)
    {
        foreach (var worker in _workers.Values)
        {
            if (worker.Partition == tp && worker.Alive)
            {
                _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
                worker.Crash("worker crash");
                return;
            }
        }
    }

    public bool HasLiveWorkerFor(TopicPartition tp) => _workers.Values.Any(w => w.Partition == tp && w.Alive);

    // ---- commits -------------------------------------------------------------------------------------------------------

    private void SendCommit(GroupEffect.CommitOffsets commit)
    {
        foreach (var (tp, next) in commit.Offsets)
        {
            if (_lost.Contains(tp))
            {
                _world.Violate(ViolationKinds.CommitAfterLoss, $"member {Index} committed {tp}@{next} (generation {commit.GenerationId}) after losing it");
                return;
            }

            if (!_epochs.TryGetValue(tp, out var epoch))
            {
                _world.Violate(ViolationKinds.CommitPastUnhandled, $"member {Index} committed {tp}@{next} (generation {commit.GenerationId}), which it does not own");
                return;
            }

            var covered = epoch.CoveredUpTo(_world.Broker(tp).LogStart);
            if (next > epoch.BaseOffset && next > covered)
            {
                _world.Violate(ViolationKinds.CommitPastUnhandled, $"member {Index} committed {tp}@{next} (generation {commit.GenerationId}), but its ownership since generation {epoch.Generation} handled only up to {covered - 1}");
                return;
            }

            epoch.MaxCommitSent = Math.Max(epoch.MaxCommitSent, next);
        }

        var memberId = MemberId;
        ToCoordinator(
            () => _world.Coordinator.Commit(this, memberId, commit.GenerationId, commit.Offsets),
            outcome =>
            {
                if (outcome != CommitOutcome.Success)
                {
                    foreach (var (tp, _) in commit.Offsets)
                    {
                        _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
                    }
                }

                Feed(new GroupEvent.CommitCompleted(commit.GenerationId, commit.Offsets, outcome));
            });
    }

    // ---- the group protocol --------------------------------------------------------------------------------------------

    private void Join()
    {
        _joining = true;
        var owned = _world.Protocol == RebalanceProtocol.Cooperative ? OwnedPartitions() : [];
        var memberId = MemberId;
        ToCoordinator(
            () => _world.Coordinator.Join(this, memberId, owned),
            result =>
            {
                switch (result.Response)
                {
                    case CoordinatorResponse.Ok:
                        MemberId = result.MemberId;
                        break;
                    case CoordinatorResponse.UnknownMember:
                        _joining = false;
                        BeginLoss();
                        break;
                    default:
                        AfterDelay(500, Join);
                        break;
                }
            });
    }

    /// <summary>The coordinator's assignment for a completed round (SyncGroup's answer).</summary>
    public void OnAssigned(string memberId, int generation, IReadOnlyList<TopicPartition> target)
    {
        if (!_joining || memberId != MemberId)
        {
            return;
        }

        _joining = false;
        _assignedGeneration = generation;
        var owned = OwnedPartitions();
        var revoked = owned.Except(target).ToArray();
        var added = target.Except(owned).ToArray();
        // The new generation first (its commits must carry it), then, in the cooperative protocol, give up what moved
        // and rejoin so the moved partitions can be handed over in the next round.
        FeedAssignment(generation, added);
        if (revoked.Length > 0)
        {
            _afterRevocation = AfterRevocation.Rejoin;
            Feed(new GroupEvent.AssignmentsRevoked(PartitionSelection.Only(revoked.ToValueList())));
        }
    }

    private void FeedAssignment(int generation, IReadOnlyList<TopicPartition> added)
    {
        var assignments = added.Select(tp => new Assignment(tp, _world.Coordinator.Committed.TryGetValue(tp, out var c) ? c : null)).ToValueList();
        Feed(new GroupEvent.AssignmentsReceived(MemberId!, generation, assignments));
    }

    private void ScheduleHeartbeat() => AfterDelay(_world.Options.HeartbeatIntervalMs, Heartbeat);

    private void Heartbeat()
    {
        ScheduleHeartbeat();
        if (_joining || MemberId is null || Rebalancing || InWindow(FaultKind.SessionTimeout))
        {
            return;
        }

        var memberId = MemberId;
        var generation = _assignedGeneration;
        ToCoordinator(
            () => _world.Coordinator.Heartbeat(memberId, generation),
            response =>
            {
                if (_joining || Rebalancing)
                {
                    return;
                }

                switch (response)
                {
                    case CoordinatorResponse.RebalanceInProgress or CoordinatorResponse.IllegalGeneration:
                        Rejoin();
                        break;
                    case CoordinatorResponse.UnknownMember:
                        BeginLoss();
                        break;
                    default:
                        break;
                }
            });
    }

    private bool Rebalancing => _afterRevocation != AfterRevocation.Nothing;

    private void Rejoin()
    {
        if (_world.Protocol == RebalanceProtocol.Cooperative)
        {
            Join();
            return;
        }

        _afterRevocation = AfterRevocation.Rejoin;
        Feed(new GroupEvent.AssignmentsRevoked(PartitionSelection.All));
    }

    private void BeginLoss()
    {
        _afterRevocation = AfterRevocation.RejoinAsNewMember;
        Feed(new GroupEvent.AssignmentsLost(PartitionSelection.All));
    }

    private void CompleteRevocation(ValueList<TopicPartition> partitions)
    {
        foreach (var tp in partitions)
        {
            if (_state.Partitions.ContainsKey(tp) || !_epochs.TryGetValue(tp, out var epoch))
            {
                continue;
            }

            // Acks must be committed on revocation unless the coordinator would refuse any commit of this member now.
            var mustCommit = epoch.MaxLegitimateAck + 1;
            var canCommit = MemberId is { } id && _world.Coordinator.IsMember(id) && _generationBeforeStep == _world.Coordinator.Generation;
            if (canCommit && !_lost.Contains(tp) && mustCommit > epoch.BaseOffset && epoch.MaxCommitSent < mustCommit)
            {
                _world.Violate(ViolationKinds.RevocationDroppedAcks, $"member {Index} finished revoking {tp} having committed up to {epoch.MaxCommitSent}, but acks up to {epoch.MaxLegitimateAck} arrived before it finished");
                return;
            }

            _epochs.Remove(tp);
            _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
        }

        var after = _afterRevocation;
        _afterRevocation = AfterRevocation.Nothing;
        if (after == AfterRevocation.RejoinAsNewMember)
        {
            MemberId = null;
        }

        if (after != AfterRevocation.Nothing)
        {
            Join();
        }
    }

    private void LeaveAndRejoinLater(string how, long delayMs)
    {
        if (MemberId is { } memberId)
        {
            ToCoordinator(() => { _world.Coordinator.Leave(memberId); return 0; }, _ => { }, anyIncarnation: true);
        }

        GoDown(how);
        AfterDelay(delayMs, Start, anyIncarnation: true);
    }

    private TopicPartition[] OwnedPartitions() =>
        [.. _state.Partitions.Values.Where(p => p.Phase is not (PartitionPhase.Revoking or PartitionPhase.Lost)).Select(p => p.Partition)];

    // ---- faults aimed at this member -----------------------------------------------------------------------------------

    public void OpenWindow(FaultKind kind, long durationMs)
    {
        var until = _world.Timeline.NowMs + durationMs;
        _windowUntilMs[kind] = Math.Max(_windowUntilMs.GetValueOrDefault(kind), until);
        if (kind == FaultKind.SessionTimeout)
        {
            foreach (var tp in _epochs.Keys)
            {
                _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
            }
        }
    }

    public void Arm(FaultKind kind) => _armed[kind] = _armed.GetValueOrDefault(kind) + 1;

    public void ArmHandlerException(TopicPartition tp) => _armedHandlerException.Add(tp);

    public void ArmAckBeyond(TopicPartition tp, long distance) => _armedAckBeyond[tp] = distance;

    /// <summary>Consumes one armed fault of a kind; true (and counted as fired) when there was one.</summary>
    public bool TakeArmedFault(FaultKind kind)
    {
        if (_armed.GetValueOrDefault(kind) == 0)
        {
            return false;
        }

        _armed[kind]--;
        _world.Stats.CountFault(kind);
        _world.Note("fault", $"member {Index}: {kind}");
        return true;
    }

    /// <summary>Whether the handler of <paramref name="tp"/> throws on this batch: an armed exception, or half the batches
    /// during a handler outage.</summary>
    public bool TakeHandlerException(TopicPartition tp)
    {
        if (_armedHandlerException.Remove(tp))
        {
            _world.Stats.CountFault(FaultKind.HandlerException);
        }
        else if (!(InWindow(FaultKind.HandlerOutage) && _rng.Chance(0.5)))
        {
            return false;
        }

        _world.Note("fault", $"member {Index}: the handler of {tp} throws");
        _world.History(tp).LastCauseMs = _world.Timeline.NowMs;
        return true;
    }

    public long TakeAckBeyond(TopicPartition tp)
    {
        if (!_armedAckBeyond.Remove(tp, out var distance))
        {
            return 0;
        }

        _world.Stats.CountFault(FaultKind.AckBeyondDelivered);
        _world.Note("fault", $"member {Index}: the handler of {tp} acks past the end of the log");
        return distance;
    }

    private bool InWindow(FaultKind kind) => _windowUntilMs.TryGetValue(kind, out var until) && _world.Timeline.NowMs < until;

    // ---- plumbing ------------------------------------------------------------------------------------------------------

    /// <summary>Runs an action later, unless this member died or restarted in the meantime.</summary>
    public void AfterDelay(long delayMs, Action action, bool anyIncarnation = false) =>
        _world.Timeline.After(delayMs, action, anyIncarnation ? null : this);

    /// <summary>A message from the coordinator to this member, FIFO with network latency.</summary>
    public void Deliver(Action action)
    {
        _toMemberFreeAtMs = Math.Max(_world.Timeline.NowMs + _rng.Between(1, 10), _toMemberFreeAtMs);
        AfterDelay(_toMemberFreeAtMs - _world.Timeline.NowMs, action);
    }

    /// <summary>A request to the coordinator and its response, each FIFO with network latency.</summary>
    private void ToCoordinator<T>(Func<T> request, Action<T> onResponse, bool anyIncarnation = false)
    {
        _toCoordinatorFreeAtMs = Math.Max(_world.Timeline.NowMs + _rng.Between(1, 10), _toCoordinatorFreeAtMs);
        AfterDelay(_toCoordinatorFreeAtMs - _world.Timeline.NowMs, () =>
        {
            var response = request();
            Deliver(() => onResponse(response));
        }, anyIncarnation);
    }
}
