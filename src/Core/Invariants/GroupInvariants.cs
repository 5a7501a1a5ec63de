namespace Elsa.Sim.Core;

/// <summary>The group manager's invariants, in one place, checked by every test suite and by the simulator after every
/// step. Each check names one condition, so a failure says exactly what broke.</summary>
public static class GroupInvariants
{
    /// <summary>Invariant names, as reported in <see cref="InvariantViolationException.Invariant"/>.</summary>
    public static class Names
    {
        /// <summary>At most one worker (live or stopping) per partition.</summary>
        public const string OneWorkerPerPartition = "one-worker-per-partition";

        /// <summary>The worker index and the partitions agree.</summary>
        public const string WorkerIndexConsistent = "worker-index-consistent";

        /// <summary>A partition is DeadLettering exactly when it has a poison message to write.</summary>
        public const string DeadLetterWhileDeadLettering = "dead-letter-while-dead-lettering";

        /// <summary>A partition is Running exactly when it has a live worker.</summary>
        public const string RunningHasWorker = "running-has-worker";

        /// <summary>Live workers belong to the current generation of an active manager.</summary>
        public const string WorkerInCurrentGeneration = "worker-in-current-generation";

        /// <summary>No state for partitions outside the current generation.</summary>
        public const string OnlyAssignedPartitions = "only-assigned-partitions";

        /// <summary>A partition's confirmed offset never exceeds what was sent.</summary>
        public const string CommitSentCoversCommitted = "commit-sent-covers-committed";

        /// <summary>A worker starts only after the partition's previous worker confirmed it stopped.</summary>
        public const string StartAfterStop = "start-after-stop";

        /// <summary>Commits carry the current generation.</summary>
        public const string CommitInCurrentGeneration = "commit-in-current-generation";

        /// <summary>Committed offsets never decrease.</summary>
        public const string CommitsMonotonic = "commits-monotonic";

        /// <summary>Nothing is committed past what a worker acked, or past where a resolved <c>latest</c> put the partition.</summary>
        public const string CommitWithinAcks = "commit-within-acks";

        /// <summary>Nothing is committed for a lost partition.</summary>
        public const string NoCommitWhenLost = "no-commit-when-lost";

        /// <summary>A failed or stopped manager starts nothing and commits nothing new.</summary>
        public const string QuietAfterEnd = "quiet-after-end";

        /// <summary>No partition is left without a worker once nothing keeps it from starting one: every step that removes
        /// the last obstacle (a stop confirmed, a backoff over, the last callback returned) starts it.</summary>
        public const string ReadyPartitionsStarted = "ready-partitions-started";

        /// <summary>The pending revocation's count of awaited worker stops matches the partitions that await one.</summary>
        public const string RevocationStopsCounted = "revocation-stops-counted";
    }

    /// <summary>Checks one transition: the state it produced and the effects it emitted, against the state before.</summary>
    /// <exception cref="InvariantViolationException">On the first condition that does not hold.</exception>
    public static void Check(GroupState before, Transition transition)
    {
        ArgumentNullException.ThrowIfNull(before);
        CheckState(transition.State);
        CheckEffects(before, transition.State, transition.Effects);
        CheckCommittedMonotonic(before, transition.State);
    }

    /// <summary>Checks only what a transition asks the world to do, against the states around it: workers start only
    /// after their predecessor stopped and only in the current generation of an active manager; commits carry the current
    /// generation, stay within acks, never go backwards and never name a lost partition. Its cost is proportional to the
    /// effects, not to the partitions, so a production host can afford it after every step; <see cref="Check"/> adds the
    /// scan of the whole state that tests and the simulator run.</summary>
    /// <exception cref="InvariantViolationException">On the first condition that does not hold.</exception>
    public static void CheckEffects(GroupState before, Transition transition)
    {
        ArgumentNullException.ThrowIfNull(before);
        CheckEffects(before, transition.State, transition.Effects);
    }

    /// <summary>Checks one state on its own.</summary>
    /// <exception cref="InvariantViolationException">On the first condition that does not hold.</exception>
    public static void CheckState(GroupState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // The dictionaries' struct enumerators, not .Values: this runs after every step of every simulated member.
        var stopsAwaited = 0;
        foreach (var (tp, p) in state.Partitions)
        {
            if (p.HoldsUpRevocation)
            {
                stopsAwaited++;
            }

            if (state.StartsWorkers && p.ReadyToStart(state.NowMs))
            {
                throw Violation(Names.ReadyPartitionsStarted, $"{tp} could start a worker at {state.NowMs} ms (generation {state.GenerationId}) but has none");
            }

            if (p.Worker is not null && p.StoppingWorker is not null)
            {
                throw Violation(Names.OneWorkerPerPartition, $"{tp} has live worker {p.Worker} while {p.StoppingWorker} has not stopped (generation {state.GenerationId})");
            }

            if (state.StartsWorkers && p.DeadLetterRetryDue(state.NowMs))
            {
                throw Violation(Names.ReadyPartitionsStarted, $"{tp}'s dead letter at {p.DeadLetter?.Offset} is due again at {state.NowMs} ms but was not sent");
            }

            if ((p.Phase == PartitionPhase.DeadLettering) != (p.DeadLetter is not null))
            {
                throw Violation(Names.DeadLetterWhileDeadLettering, $"{tp} is {p.Phase} with dead letter {(p.DeadLetter?.ToString() ?? "none")}");
            }

            if ((p.Phase == PartitionPhase.Running) != (p.Worker is not null))
            {
                throw Violation(Names.RunningHasWorker, $"{tp} is {p.Phase} with live worker {(p.Worker?.ToString() ?? "none")}");
            }

            if (p.Worker is { } live)
            {
                if (state.Phase != ManagerPhase.Active)
                {
                    throw Violation(Names.WorkerInCurrentGeneration, $"{tp} has live worker {live} while the manager is {state.Phase}");
                }

                if (!(state.GenerationId is { } g && p.OwnedSinceGeneration <= g))
                {
                    throw Violation(Names.WorkerInCurrentGeneration, $"{tp}'s worker {live} is owned since generation {p.OwnedSinceGeneration}, current is {state.GenerationId}");
                }
            }

            CheckIndexed(state, tp, p.Worker);
            CheckIndexed(state, tp, p.StoppingWorker);

            if (!(state.GenerationId is { } current && p.OwnedSinceGeneration <= current))
            {
                throw Violation(Names.OnlyAssignedPartitions, $"{tp} is held (owned since generation {p.OwnedSinceGeneration}) while the current generation is {(state.GenerationId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")}");
            }

            if (!(p.CommittedOffset is null || (p.CommitSentOffset is { } sent && sent >= p.CommittedOffset)))
            {
                throw Violation(Names.CommitSentCoversCommitted, $"{tp} has committed {p.CommittedOffset} but sent only {p.CommitSentOffset}");
            }
        }

        if (stopsAwaited != state.RevocationStopsAwaited)
        {
            throw Violation(Names.RevocationStopsCounted, $"{stopsAwaited} leaving partitions wait for a worker to stop, but the revocation counts {state.RevocationStopsAwaited}");
        }

        foreach (var (worker, tp) in state.Workers)
        {
            if (!(state.Partitions.TryGetValue(tp, out var p) && (p.Worker == worker || p.StoppingWorker == worker)))
            {
                throw Violation(Names.WorkerIndexConsistent, $"index maps {worker} to {tp}, which does not name it");
            }
        }
    }

    private static void CheckIndexed(GroupState state, TopicPartitionId tp, WorkerId? worker)
    {
        if (worker is { } w && !(state.Workers.TryGetValue(w, out var indexed) && indexed == tp))
        {
            throw Violation(Names.WorkerIndexConsistent, $"{tp} names worker {w}, which the index does not map to {tp}");
        }
    }

    private static void CheckEffects(GroupState before, GroupState after, ValueList<GroupEffect> effects)
    {
        if (effects.Count == 0)
        {
            return;
        }

        var started = new HashSet<TopicPartitionId>();
        foreach (var effect in effects)
        {
            switch (effect)
            {
                case GroupEffect.StartWorker start:
                    CheckStart(before, after, start, started);
                    break;
                case GroupEffect.CommitOffsets commit:
                    CheckCommit(before, after, commit);
                    break;
                default:
                    break;
            }
        }
    }

    private static void CheckStart(GroupState before, GroupState after, GroupEffect.StartWorker start, HashSet<TopicPartitionId> started)
    {
        var tp = start.Partition;
        if (!started.Add(tp))
        {
            throw Violation(Names.OneWorkerPerPartition, $"two workers started for {tp} in one step (second: {start.Worker})");
        }

        // The old worker may confirm its stop in the very step that starts the new one; what must not happen is that any
        // other worker of the partition is still unconfirmed once the step is over. The partition names its workers (the
        // full check verifies the worker index agrees), so this costs a lookup, not a scan of every worker.
        if (after.Partitions.TryGetValue(tp, out var now) && now.StoppingWorker is { } unconfirmed)
        {
            throw Violation(Names.StartAfterStop, $"{start.Worker} started for {tp} while {unconfirmed} had not confirmed it stopped");
        }

        if (now?.Worker != start.Worker)
        {
            throw Violation(Names.StartAfterStop, $"{start.Worker} started for {tp}, which names {(now?.Worker?.ToString() ?? "no live worker")}");
        }

        if (start.Worker.Value < before.NextWorkerId)
        {
            throw Violation(Names.StartAfterStop, $"{start.Worker} for {tp} reuses an old worker id");
        }

        if (after.Phase != ManagerPhase.Active)
        {
            throw Violation(Names.QuietAfterEnd, $"{start.Worker} started for {tp} while the manager is {after.Phase}");
        }

        if (start.GenerationId != after.GenerationId)
        {
            throw Violation(Names.WorkerInCurrentGeneration, $"{start.Worker} for {tp} started in generation {start.GenerationId}, current is {after.GenerationId}");
        }
    }

    private static void CheckCommit(GroupState before, GroupState after, GroupEffect.CommitOffsets commit)
    {
        if (after.Phase == ManagerPhase.Failed || (after.Phase == ManagerPhase.Stopped && before.Phase == ManagerPhase.Stopped))
        {
            throw Violation(Names.QuietAfterEnd, $"commit {commit.Offsets} issued by a {after.Phase.ToString().ToLowerInvariant()} manager");
        }

        if (!(commit.GenerationId == before.GenerationId || commit.GenerationId == after.GenerationId))
        {
            throw Violation(Names.CommitInCurrentGeneration, $"commit {commit.Offsets} carries generation {commit.GenerationId}, current is {after.GenerationId ?? before.GenerationId}");
        }

        foreach (var (tp, next) in commit.Offsets)
        {
            before.Partitions.TryGetValue(tp, out var was);
            after.Partitions.TryGetValue(tp, out var now);
            if (was is null && now is null)
            {
                throw Violation(Names.OnlyAssignedPartitions, $"commit of {tp}@{next}, which is not assigned");
            }

            if (!(was?.Phase != PartitionPhase.Lost && now?.Phase != PartitionPhase.Lost))
            {
                throw Violation(Names.NoCommitWhenLost, $"commit of {tp}@{next} after {tp} was lost (generation {commit.GenerationId})");
            }

            if (!(was?.CommittedOffset is not { } committed || next >= committed))
            {
                throw Violation(Names.CommitsMonotonic, $"commit of {tp}@{next} is below the committed {was?.CommittedOffset} (generation {commit.GenerationId})");
            }

            // One past the last ack, or where a resolved `latest` put the partition (committed so no one resolves it again).
            var acked = Math.Max(was?.LastAckedOffset ?? -1, now?.LastAckedOffset ?? -1);
            var floor = Math.Max(was?.CommitFloorOffset ?? -1, now?.CommitFloorOffset ?? -1);
            var limit = Math.Max(acked >= 0 ? acked + 1 : -1, floor);
            if (!(limit >= 0 && next <= limit))
            {
                throw Violation(Names.CommitWithinAcks, $"commit of {tp}@{next} goes past the last ack {(acked < 0 ? "(none)" : acked)} and the resolved latest {(floor < 0 ? "(none)" : floor)} (generation {commit.GenerationId})");
            }
        }
    }

    private static void CheckCommittedMonotonic(GroupState before, GroupState after)
    {
        foreach (var (tp, was) in before.Partitions)
        {
            if (was.CommittedOffset is { } committed && after.Partitions.TryGetValue(tp, out var now) && !ReferenceEquals(was, now) &&
                now.OwnedSinceGeneration == was.OwnedSinceGeneration)
            {
                if (!(now.CommittedOffset is { } next && next >= committed))
                {
                    throw Violation(Names.CommitsMonotonic, $"{tp}'s committed offset went from {committed} to {(now.CommittedOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none")} in generation {after.GenerationId}");
                }
            }
        }
    }

    // Details are built only on failure: the checker runs after every simulated step.
    private static InvariantViolationException Violation(string invariant, string detail) => new(invariant, detail);
}
