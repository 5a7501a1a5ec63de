using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The one oracle of every driver (explore, the handler kit, Coyote): it watches the real host from outside,
/// fed by the simulated client (<see cref="SimulatedPort"/>: callbacks, positions, seeks, commits), the coordinator
/// (accepted commits), a decorator around each member's group manager (<see cref="CheckedMachine"/>: the core's
/// invariants after every step, acks, commits decided) and a decorator around each handler (<see cref="WorldHandler"/>:
/// batches handed over and handled). It keeps its own account of ownership (<see cref="OwnershipEpoch"/>) and of every
/// partition's messages (<see cref="PartitionHistory"/>), so no check trusts the host's bookkeeping, and reports each
/// broken property to the driver's sink the moment it is seen.</summary>
internal sealed class Oracle
{
    private readonly SimClock _clock;
    private readonly StartPosition _beginOffset;
    private readonly OffsetResetPolicy _resetPolicy;
    private readonly SimulationStats _stats;
    private readonly TraceSink? _trace;
    private readonly Action<Violation> _violated;
    private readonly Dictionary<TopicPartitionId, PartitionHistory> _histories = [];
    private readonly Dictionary<TopicPartitionId, OwnershipEpoch>[] _epochs;
    private readonly Dictionary<TopicPartitionId, int>[] _liveHandlers;
    private readonly bool[] _failing;
    private SimulatedCluster? _cluster;
    private Func<int, bool> _isFenced = _ => false;

    /// <param name="clock">The run's clock.</param>
    /// <param name="members">How many members the run may have.</param>
    /// <param name="beginOffset">The members' <c>begin_offset</c>, which the oracle resolves itself.</param>
    /// <param name="resetPolicy">The members' <c>offset_reset_policy</c>, likewise.</param>
    /// <param name="stats">Where the run's figures go.</param>
    /// <param name="trace">Where the run's trace goes, if anywhere.</param>
    /// <param name="violated">The driver's sink for each broken property (explore stops the run; Coyote asserts).</param>
    public Oracle(SimClock clock, int members, StartPosition beginOffset, OffsetResetPolicy resetPolicy, SimulationStats stats, TraceSink? trace,
        Action<Violation> violated)
    {
        _clock = clock;
        _beginOffset = beginOffset;
        _resetPolicy = resetPolicy;
        _stats = stats;
        _trace = trace;
        _violated = violated;
        _epochs = [.. Enumerable.Range(0, members).Select(_ => new Dictionary<TopicPartitionId, OwnershipEpoch>())];
        _liveHandlers = [.. Enumerable.Range(0, members).Select(_ => new Dictionary<TopicPartitionId, int>())];
        _failing = new bool[members];
    }

    /// <summary>Whether the run is traced; a caller whose note is costly to format asks first.</summary>
    public bool Tracing => _trace is not null;

    private SimulatedCluster Cluster => _cluster ?? throw new InvalidOperationException("the oracle watches no cluster");

    private long NowMs => _clock.NowMs;

    /// <summary>Starts watching <paramref name="cluster"/>; <paramref name="isFenced"/> says whether a member's client is
    /// no longer known to the coordinator (a zombie).</summary>
    public void Watch(SimulatedCluster cluster, Func<int, bool> isFenced)
    {
        _cluster = cluster;
        _isFenced = isFenced;
        foreach (var tp in cluster.Partitions)
        {
            WatchPartition(tp);
        }
    }

    /// <summary>Starts keeping the history of <paramref name="partition"/> (one the cluster has from the start, or one
    /// added while the group runs).</summary>
    public void WatchPartition(TopicPartitionId partition) => _histories[partition] = new PartitionHistory();

    public PartitionHistory History(TopicPartitionId partition) => _histories[partition];

    /// <summary>Whether <paramref name="member"/>'s current ownership holds <paramref name="partition"/>.</summary>
    public bool Owns(int member, TopicPartitionId partition) => _epochs[member].ContainsKey(partition);

    /// <summary><paramref name="member"/>'s current ownership of <paramref name="partition"/>, if any.</summary>
    public OwnershipEpoch? EpochOf(int member, TopicPartitionId partition) => _epochs[member].GetValueOrDefault(partition);

    /// <summary>A broken property: reported to the driver at once, naming the members and partition it is about.</summary>
    public void Violate(string kind, string detail, int? member = null, TopicPartitionId? partition = null, int? other = null)
    {
        var violation = new Violation(kind, NowMs, detail)
        {
            Members = new[] { member, other }.OfType<int>().ToValueList(),
            Partitions = partition is { } named ? ValueList.Of(named) : ValueList<TopicPartitionId>.Empty,
        };
        _trace?.Record(new ViolationRecord(kind, detail, [.. violation.Members], [.. violation.Partitions.Select(p => p.ToString())]) { AtMs = NowMs });
        _violated(violation);
    }

    /// <summary>A line in the trace about something outside a machine step (<c>scenario</c>, <c>down</c>).</summary>
    public void Note(string kind, string text, int? member = null) => _trace?.Record(new NoteRecord(kind, text) { AtMs = NowMs, Member = member });

    /// <summary>A fault struck: a line in the trace.</summary>
    public void Fault(FaultKind kind, string text, int? member, TopicPartitionId? partition) =>
        _trace?.Record(new FaultRecord(kind, text) { AtMs = NowMs, Member = member, Partition = partition?.ToString() });

    // ---- the client (SimulatedPort) ---------------------------------------------------------------------------------

    /// <summary>An assignment callback begins: each partition's ownership starts here, from what the coordinator has
    /// committed (the oracle's own reading).</summary>
    public void AssignmentBegins(int member, IReadOnlyList<TopicPartitionId> partitions)
    {
        foreach (var tp in partitions)
        {
            var log = Cluster.Log(tp);
            long? committed = Cluster.Coordinator.Committed.TryGetValue(tp, out var offset) ? offset : null;
            _epochs[member][tp] = new OwnershipEpoch(committed, log.LogStart, log.HighWatermark);
            Cause(tp);
        }
    }

    /// <summary>The assignment callback returned where <paramref name="partition"/> starts (null: nowhere yet).</summary>
    public void Positioned(int member, TopicPartitionId partition, long? offset)
    {
        if (offset is { } at && _epochs[member].TryGetValue(partition, out var epoch))
        {
            Landed(partition, epoch, at);
        }
    }

    /// <summary>The host moved a partition's fetch position: a restart, or the reset after an out-of-range position.</summary>
    public void Sought(int member, TopicPartitionId partition, long offset)
    {
        if (_epochs[member].TryGetValue(partition, out var epoch))
        {
            Landed(partition, epoch, offset);
        }
    }

    /// <summary>The client found a partition's position outside its log and stopped fetching it.</summary>
    public void OutOfRange(int member, TopicPartitionId partition, long position)
    {
        if (_epochs[member].TryGetValue(partition, out var epoch))
        {
            OutOfRange(partition, epoch, position);
        }
    }

    private void OutOfRange(TopicPartitionId partition, OwnershipEpoch epoch, long position)
    {
        Cause(partition);
        var log = Cluster.Log(partition);
        if (epoch.OutOfRangeAt is null && !log.InRange(position))
        {
            epoch.OutOfRangeAt = position;
            epoch.ResetLowAtOutOfRange = ResolveReset(partition);
        }
    }

    /// <summary>A revoke or lost callback begins. <paramref name="canCommit"/>: the coordinator would accept the member's
    /// commits now, so whatever was acked must be committed before the callback returns.</summary>
    public void RevocationBegins(int member, IReadOnlyList<TopicPartitionId> partitions, bool lost, bool canCommit)
    {
        foreach (var tp in partitions)
        {
            if (_epochs[member].TryGetValue(tp, out var epoch))
            {
                epoch.CouldCommitAtRevocation = canCommit && !lost;
            }

            Cause(tp);
        }
    }

    /// <summary>A revoke or lost callback returned: the client hands the partitions on. Acks that reached the group
    /// manager before it completed the revocation must have been sent in a commit by now.</summary>
    public void RevocationEnded(int member, IReadOnlyList<TopicPartitionId> partitions, bool lost)
    {
        foreach (var tp in partitions)
        {
            if (!_epochs[member].Remove(tp, out var epoch))
            {
                continue;
            }

            // The commit must have been answered, not only sent: the client hands the partition on once this returns, and a
            // commit still in the network may land in the next generation (fenced) or after the new owner's.
            var mustCommit = epoch.MaxLegitimateAck + 1;
            if (!lost && !_failing[member] && epoch.CouldCommitAtRevocation && !epoch.Lost && mustCommit > epoch.BaseOffset && epoch.MaxCommitAnswered < mustCommit)
            {
                Violate(ViolationKinds.RevocationDroppedAcks,
                    $"member {member} finished revoking {tp} with commits answered up to {epoch.MaxCommitAnswered} (sent up to {epoch.MaxCommitSent}), but acks up to {epoch.MaxLegitimateAck} arrived before it finished", member, tp);
            }

            Cause(tp);
        }
    }

    /// <summary>A commit leaves the client: only for partitions whose revocation or loss has not completed.</summary>
    public void CommitSent(int member, IReadOnlyList<PartitionOffset> offsets)
    {
        foreach (var (tp, next) in offsets)
        {
            if (_epochs[member].TryGetValue(tp, out var epoch))
            {
                epoch.MaxCommitSent = Math.Max(epoch.MaxCommitSent, next);
            }
            else
            {
                Violate(ViolationKinds.CommitAfterRevocation, $"member {member} sent a commit of {tp}@{next} after its revocation or loss completed", member, tp);
            }
        }
    }

    /// <summary>A commit was answered; a failed one may cause redeliveries.</summary>
    public void CommitAnswered(int member, IReadOnlyList<PartitionOffset> offsets, CommitOutcome outcome)
    {
        foreach (var (tp, next) in offsets)
        {
            if (_epochs[member].TryGetValue(tp, out var epoch))
            {
                epoch.MaxCommitAnswered = Math.Max(epoch.MaxCommitAnswered, next);
            }

            if (outcome != CommitOutcome.Success)
            {
                Cause(tp);
            }
        }
    }

    // ---- the coordinator ----------------------------------------------------------------------------------------------

    /// <summary>The coordinator applied a commit: it must come from the partition's owner and never go backwards.</summary>
    public void CommitAccepted(int member, string memberId, int generation, TopicPartitionId tp, long next, string? owner, long? committed)
    {
        if (owner is not null && owner != memberId)
        {
            Violate(ViolationKinds.CommitByNonOwner, $"member {member} ({memberId}) committed {tp}@{next} in generation {generation}, but {owner} owns it", member, tp);
        }

        if (committed is { } was && next < was)
        {
            Violate(ViolationKinds.CommitBackwards, $"member {member} ({memberId}) committed {tp}@{next} in generation {generation}, below the committed {was}", member, tp);
        }
    }

    /// <summary>Something happened that may legitimately cause duplicates of <paramref name="partition"/>'s messages.</summary>
    public void Cause(TopicPartitionId partition) => _histories[partition].LastCauseMs = NowMs;

    // ---- the group manager (CheckedMachine) ------------------------------------------------------------------------

    /// <summary>One step of a member's group manager: traced, its acks and commits checked against the oracle's own
    /// account.</summary>
    public void Stepped(int member, GroupState before, GroupEvent @event, Transition transition)
    {
        _stats.Steps++;
        _trace?.Step(NowMs, member, @event, transition.Effects);
        var epochs = _epochs[member];
        switch (@event)
        {
            case GroupEvent.AssignmentsReceived e:
                foreach (var (tp, _) in e.Assignments)
                {
                    if (epochs.TryGetValue(tp, out var epoch) && epoch.Generation == int.MaxValue)
                    {
                        epoch.Generation = e.GenerationId;
                    }
                }

                break;
            case GroupEvent.Acked e:
                var partition = new TopicPartitionId(e.Topic, e.Partition);
                if (epochs.TryGetValue(partition, out var owned) && !owned.Lost && !owned.RevocationCompleted &&
                    e.GenerationId >= owned.Generation && e.GenerationId <= transition.State.GenerationId &&
                    e.Offset >= 0 && e.Offset <= owned.MaxDelivered)
                {
                    owned.MaxLegitimateAck = Math.Max(owned.MaxLegitimateAck, e.Offset);
                }

                break;
            case GroupEvent.WorkerPositioned e:
                // The host resolved a symbolic start or a reset (and may commit it at once): checked here, before the
                // commit, by the oracle's own reading.
                if (PartitionOf(before, e.Worker) is { } positioned && epochs.TryGetValue(positioned, out var resolved))
                {
                    Landed(positioned, resolved, e.Offset);
                }

                break;
            case GroupEvent.OffsetOutOfRange e:
                if (PartitionOf(before, e.Worker) is { } refused && epochs.TryGetValue(refused, out var stopped))
                {
                    OutOfRange(refused, stopped, e.Offset);
                }

                break;
            case GroupEvent.AssignmentsLost e:
                foreach (var tp in e.Partitions.IsAll ? epochs.Keys.ToArray() : [.. e.Partitions.Partitions])
                {
                    if (epochs.TryGetValue(tp, out var lost))
                    {
                        lost.Lost = true;
                    }

                    Cause(tp);
                }

                break;
            default:
                break;
        }

        if (@event is GroupEvent.CommitCompleted completed)
        {
            CheckBelievedCommits(member, before, transition.State, completed);
        }

        foreach (var effect in transition.Effects)
        {
            switch (effect)
            {
                case GroupEffect.CommitOffsets commit:
                    CheckCommit(member, commit);
                    break;
                case GroupEffect.CompleteRevocation done:
                    foreach (var tp in done.Partitions)
                    {
                        if (!transition.State.Partitions.ContainsKey(tp) && epochs.TryGetValue(tp, out var revoked))
                        {
                            revoked.RevocationCompleted = true;
                        }
                    }

                    break;
                case GroupEffect.Diagnostic diagnostic:
                    _stats.CountDiagnostic(diagnostic.Kind);
                    break;
                case GroupEffect.CompleteShutdown:
                    // The manager stopped: it owns nothing any more, whatever the client still holds until it closes.
                    foreach (var stopped in epochs.Values)
                    {
                        stopped.RevocationCompleted = true;
                    }

                    break;
                case GroupEffect.Fail:
                    // Elsa's manager fails without committing: the host leaves the group, acks uncommitted.
                    _failing[member] = true;
                    Cluster.Observer.MemberFailing(member);
                    break;
                default:
                    break;
            }
        }
    }

    private void CheckCommit(int member, GroupEffect.CommitOffsets commit)
    {
        foreach (var (tp, next) in commit.Offsets)
        {
            if (!_epochs[member].TryGetValue(tp, out var epoch))
            {
                Violate(ViolationKinds.CommitPastUnhandled, $"member {member} committed {tp}@{next} (generation {commit.GenerationId}), which it does not own", member, tp);
                return;
            }

            if (epoch.Lost)
            {
                Violate(ViolationKinds.CommitAfterLoss, $"member {member} committed {tp}@{next} (generation {commit.GenerationId}) after losing it", member, tp);
                return;
            }

            var covered = epoch.CoveredUpTo(Cluster.Log(tp).LogStart);
            if (next > epoch.BaseOffset && next > covered)
            {
                Violate(ViolationKinds.CommitPastUnhandled,
                    $"member {member} committed {tp}@{next} (generation {commit.GenerationId}), but its ownership since generation {epoch.Generation} handled only up to {covered - 1}", member, tp);
                return;
            }
        }
    }

    /// <summary>What a group manager believes is committed after a commit's answer, the coordinator must hold: a manager
    /// that takes a refused commit as done never sends those offsets again.</summary>
    private void CheckBelievedCommits(int member, GroupState before, GroupState after, GroupEvent.CommitCompleted completed)
    {
        foreach (var (tp, _) in completed.Offsets)
        {
            if (after.Partitions.TryGetValue(tp, out var now) && now.CommittedOffset is { } believed &&
                believed != before.Partitions.GetValueOrDefault(tp)?.CommittedOffset &&
                believed > (Cluster.Coordinator.Committed.TryGetValue(tp, out var stored) ? stored : -1))
            {
                Violate(ViolationKinds.CommitNotStored,
                    $"member {member} believes {tp}@{believed} is committed after a {completed.Outcome} answer, but the coordinator holds {(Cluster.Coordinator.Committed.TryGetValue(tp, out var held) ? held : "nothing")}", member, tp);
            }
        }
    }

    // ---- the handlers (WorldHandler) ----------------------------------------------------------------------------------

    /// <summary>A member's host made a handler for a partition: it must own the partition and run no other handler for
    /// it. Returns the ownership the handler belongs to (null: none, already reported).</summary>
    public OwnershipEpoch? HandlerStarted(int member, TopicPartitionId partition)
    {
        var live = _liveHandlers[member];
        if (live.GetValueOrDefault(partition) > 0)
        {
            Violate(ViolationKinds.TwoLiveWorkers, $"member {member} started a handler for {partition} while another one still runs", member, partition);
        }

        live[partition] = live.GetValueOrDefault(partition) + 1;
        for (var other = 0; other < _liveHandlers.Length && !Excused(member); other++)
        {
            // Two members handling one partition at once is the price of at-least-once only when one of them is a zombie
            // (the coordinator expelled it) or failing (it left without waiting for its handlers); otherwise a revocation
            // must have stopped the old owner's handlers before the partition was handed on.
            if (other != member && _liveHandlers[other].ContainsKey(partition) && !Excused(other))
            {
                Violate(ViolationKinds.TwoLiveWorkers, $"at most one owner per partition: member {member} started a handler for {partition} while member {other}'s handler of it still runs", member, partition, other);
            }
        }

        if (!_epochs[member].TryGetValue(partition, out var epoch) || epoch.RevocationCompleted)
        {
            Violate(ViolationKinds.HandledAfterRevocation, $"member {member} started a handler for {partition}, which it does not own", member, partition);
            return null;
        }

        return epoch;
    }

    private bool Excused(int member) => _isFenced(member) || _failing[member];

    public void HandlerEnded(int member, TopicPartitionId partition)
    {
        var live = _liveHandlers[member];
        if (live.GetValueOrDefault(partition) > 1)
        {
            live[partition]--;
        }
        else
        {
            live.Remove(partition);
        }
    }

    /// <summary>A batch is about to reach a handler: its member must still own the partition through the ownership the
    /// handler was made in (not revoked to completion, not lost to completion).</summary>
    public void BatchHanded(int member, TopicPartitionId partition, OwnershipEpoch epoch, long first, long last)
    {
        if (!_epochs[member].TryGetValue(partition, out var current) || !ReferenceEquals(current, epoch) || epoch.RevocationCompleted)
        {
            Violate(ViolationKinds.HandledAfterRevocation,
                $"member {member} handed {partition} {first}..{last} to its handler after its ownership of the partition had ended", member, partition);
        }

        epoch.MaxDelivered = Math.Max(epoch.MaxDelivered, last);
    }

    /// <summary>A handler returned from <paramref name="first"/>..<paramref name="last"/> (an empty range when it threw
    /// before finishing any).</summary>
    public void Handled(int member, TopicPartitionId partition, OwnershipEpoch epoch, long first, long last)
    {
        var history = _histories[partition];
        if (last >= first && _isFenced(member))
        {
            // A fenced member (a zombie the coordinator already expelled) handling what the new owner handles, in either
            // order, is the at-least-once price of a session timeout: its handling is itself a cause.
            Cause(partition);
        }

        for (var offset = first; offset <= last; offset++)
        {
            if (!history.RecordHandled(offset, NowMs))
            {
                Violate(ViolationKinds.DuplicateWithoutCause,
                    $"member {member} handled {partition}@{offset} again with no crash, revocation, loss or failed commit since it was first handled", member, partition);
            }

            if (offset < epoch.BaseOffset)
            {
                Violate(ViolationKinds.HandledBelowCommit,
                    $"member {member} handled {partition}@{offset}, below {epoch.BaseOffset} where its ownership (generation {epoch.Generation}) started", member, partition);
            }

            epoch.MarkHandled(offset);
            _stats.MessagesHandled++;
        }
    }

    /// <summary>A member's host asks to dead-letter <paramref name="partition"/>@<paramref name="offset"/>: only once the
    /// partition's restart budget is spent, by the oracle's own count of its handlers' crashes.</summary>
    public void DeadLetterRequested(int member, TopicPartitionId partition, long offset, RestartConfig restart)
    {
        Note("dead-letter", $"member {member} writes {partition}@{offset} to the dead-letter destination", member);
        if (_epochs[member].TryGetValue(partition, out var epoch) && !epoch.SpentRestartBudget(restart.MaxRestarts, restart.WithinMs))
        {
            Violate(ViolationKinds.DeadLetteredEarly,
                $"member {member} dead-letters {partition}@{offset} though the partition's handlers crashed fewer than {restart.MaxRestarts + 1} times within {restart.WithinMs} ms", member, partition);
        }
    }

    /// <summary>The dead-letter destination holds <paramref name="partition"/>@<paramref name="offset"/>: from now on it
    /// counts as handled (a commit may pass it, and it is not lost).</summary>
    public void DeadLettered(int member, TopicPartitionId partition, long offset)
    {
        Note("dead-letter", $"member {member} wrote {partition}@{offset} to the dead-letter destination", member);
        if (_isFenced(member) || !_epochs[member].ContainsKey(partition))
        {
            // As for its handling: a zombie's dead letter of what the new owner handles is the price of a session timeout,
            // and a write that lands after its member's ownership ended (the host ignores its result, so the next owner
            // handles the message again) is the price of the revocation that ended it.
            Cause(partition);
        }

        if (!_histories[partition].RecordHandled(offset, NowMs))
        {
            Violate(ViolationKinds.DuplicateWithoutCause,
                $"member {member} dead-lettered {partition}@{offset}, which was handled with no crash, revocation, loss or failed commit since", member, partition);
        }

        if (_epochs[member].TryGetValue(partition, out var epoch))
        {
            epoch.MarkHandled(offset);
        }

        _stats.DeadLettered++;
    }

    /// <summary>A handler's batch was cancelled: only a failing member may cancel its handlers; a clean stop or a
    /// revocation lets the batch in hand finish.</summary>
    public void HandlerCancelled(int member, TopicPartitionId partition)
    {
        Cause(partition);
        if (!_failing[member])
        {
            Violate(ViolationKinds.HandlerOutlivedStop, $"member {member} cancelled its handler of {partition} mid-batch though it was not failing (a graceful stop lets the batch in hand finish)", member, partition);
        }
    }

    /// <summary>A handler threw (its worker crashes): a cause, and a crash counted against the restart budget.</summary>
    public void HandlerCrashed(TopicPartitionId partition, OwnershipEpoch epoch)
    {
        epoch.RecordCrash(NowMs);
        Cause(partition);
    }

    // ---- members ------------------------------------------------------------------------------------------------------

    /// <summary>A member process ended (crashed, failed, or stopped): its ownerships end with it.</summary>
    public void MemberDown(int member, string how)
    {
        var epochs = _epochs[member];
        Note("down", $"member {member} is down ({how}); {(epochs.Count == 0 ? "it owned nothing" : $"it owned {string.Join(", ", epochs.Keys.Order())}")}", member);
        foreach (var tp in epochs.Keys)
        {
            Cause(tp);
        }

        epochs.Clear();
        _liveHandlers[member].Clear();
        _failing[member] = false;
    }

    /// <summary>A member's consumer failed: only its group manager may decide that (a restart budget spent under
    /// <c>fail_group</c>, a failed assignment callback), never the host on its own.</summary>
    public void MemberFailed(int member, string reason)
    {
        if (!_failing[member])
        {
            Violate(ViolationKinds.MemberFailed, $"member {member} failed, though its group manager did not fail it: {reason}", member);
        }
    }

    /// <summary>A member's stop returned cleanly: none of its handlers may still run.</summary>
    public void MemberStopped(int member)
    {
        if (_liveHandlers[member].Keys.Order().FirstOrDefault() is { Topic: not null } running)
        {
            Violate(ViolationKinds.HandlerOutlivedStop, $"member {member}'s stop returned while its handler of {running} still runs", member, running);
        }
    }

    /// <summary>A member's session is about to time out: what it owns will be handled again by others.</summary>
    public void SessionTimesOut(int member)
    {
        foreach (var tp in _epochs[member].Keys)
        {
            Cause(tp);
        }
    }

    /// <summary>Whether a partition is left parked because its restart budget was really spent (the oracle's own count of
    /// its handlers' crashes) under the park policy.</summary>
    public bool SpentRestartBudget(TopicPartitionId partition, RestartConfig restart) =>
        _epochs.Any(epochs => epochs.TryGetValue(partition, out var epoch) && epoch.SpentRestartBudget(restart.MaxRestarts, restart.WithinMs));

    // ---- resolutions --------------------------------------------------------------------------------------------------

    /// <summary>Where the host puts a partition's worker of this ownership: the first start, a restart, or the landing of a
    /// reset after an out-of-range position.</summary>
    private void Landed(TopicPartitionId partition, OwnershipEpoch epoch, long offset)
    {
        if (epoch.OutOfRangeAt is { } refused)
        {
            // The reset: what the policy skips, by the oracle's own reading of the log (anywhere from where the policy put
            // it when the position went out of range to where it puts it now), is excused; a reset landing further on
            // skips the rest for real, and one landing before it handles what it must not.
            epoch.OutOfRangeAt = null;
            var target = Math.Clamp(offset, epoch.ResetLowAtOutOfRange, Math.Max(epoch.ResetLowAtOutOfRange, ResolveReset(partition)));
            epoch.Excuse(refused, target);
            var history = _histories[partition];
            history.SkippedByReset(refused, target);
            if (target < epoch.BaseOffset)
            {
                epoch.Rebase(target);
            }

            if (history.Anchor is { } anchor && target < anchor)
            {
                history.Anchor = target;
            }
        }
        else if (!epoch.Positioned)
        {
            Anchor(partition, epoch, offset);
        }
    }

    private static TopicPartitionId? PartitionOf(GroupState state, WorkerId worker) =>
        state.Workers.TryGetValue(worker, out var partition) ? partition : null;

    private void Anchor(TopicPartitionId partition, OwnershipEpoch epoch, long offset)
    {
        // The first start of an ownership with nothing committed: begin_offset, by the oracle's own reading of the log, is
        // anywhere from where it resolved when the assignment began to where it resolves now. A start before that range
        // handles what it must not (handled-below-commit); one after it skips messages (lost).
        var (low, high) = _beginOffset.Kind switch
        {
            StartPositionKind.Earliest => (epoch.EarliestAtAssignment, Cluster.Log(partition).LogStart),
            StartPositionKind.Latest => (epoch.LatestAtAssignment, Cluster.Log(partition).HighWatermark),
            _ => (_beginOffset.Offset, _beginOffset.Offset),
        };
        var begin = Math.Clamp(offset, low, Math.Max(low, high));
        epoch.Position(begin);
        _histories[partition].Anchor = begin;
    }

    private long ResolveReset(TopicPartitionId partition)
    {
        var log = Cluster.Log(partition);
        return _resetPolicy == OffsetResetPolicy.ResetToEarliest ? log.LogStart : log.HighWatermark;
    }
}
