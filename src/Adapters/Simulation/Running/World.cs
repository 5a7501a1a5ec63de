using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Threading;

namespace Elsa.Sim.Simulation;

/// <summary>One seeded run: the simulated cluster, the member processes (each the shipped <see cref="ElsaConsumer"/>),
/// the producer and the fault plan, on one clock. Runs until the first violation, until every partition is drained after
/// the fault window, or until the liveness deadline; then checks the history. <see cref="Run"/> runs it on the simulator's
/// one thread (every host task an entry on the clock); <see cref="RunControlledAsync"/> runs the hosts' tasks on the pool
/// (<see cref="PoolScheduler.Controlled"/>), for Coyote's controlled scheduler, while a task of its own moves the clock a
/// round at a time. Both set the same schedule up and judge the end the same way.</summary>
internal sealed class World : IDisposable
{
    private const long ProduceEveryMs = 100;
    private const long DrainCheckEveryMs = 1_000;

    // Virtual time per round of a controlled run: a few network hops, and under the shortest commit interval drawn.
    private const long ControlledRoundMs = 50;

    // A partition still behind at the end passes only if its committed offset moved in this last stretch of the quiet
    // window: the group is slow (a small prefetch window, slow handlers, a high produce rate), not stuck.
    private const long ProgressWindowMs = 20_000;

    private readonly SimClock _clock = new();
    private readonly MemberProcess[] _members;
    private readonly FaultPlan _plan;
    private readonly TraceSink? _trace;
    private readonly SimRandom _producer;
    private readonly WorldMeters _meters = new();
    private readonly IReadOnlyList<string> _topics;
    private readonly Dictionary<TopicPartitionId, long> _committedBeforeEnd = [];
    private volatile string? _escaped;
    private bool _drained;

    /// <param name="options">The run's options.</param>
    /// <param name="seed">The seed every draw comes from.</param>
    /// <param name="plan">The faults to inject.</param>
    /// <param name="trace">Where to record the run, if anywhere.</param>
    /// <param name="controlled">True for <see cref="RunControlledAsync"/>: the hosts run on the pool, which Coyote
    /// controls; false for <see cref="Run"/>: on the simulator's scheduler.</param>
    public World(SimulationOptions options, ulong seed, FaultPlan plan, TraceSink? trace, bool controlled = false)
    {
        Options = options;
        Seed = seed;
        _plan = plan;
        _trace = trace;
        Scenario = Scenario.Draw(seed, options);
        _producer = SimRandom.Stream(seed, 0x9E0D);
        _topics = options.TopicNames();
        Stats.CountSettings(Scenario.Settings());
        Oracle = new Oracle(_clock, options.Members, Scenario.BeginOffset, Scenario.OffsetResetPolicy, Stats, trace, Violate);
        Cluster = new SimulatedCluster(_clock, Oracle, options.TopicPartitions(), Scenario.Protocol, options.SessionTimeoutMs, options.HeartbeatIntervalMs,
            options.UserHandler, FaultFired)
        {
            StaticMembership = Scenario.StaticMembership,
        };
        _members = [.. Enumerable.Range(0, options.Members).Select(i =>
            new MemberProcess(Cluster, i, seed, ConsumerOptions, options.MachineFactory, options.UserHandler,
                controlled ? _ => PoolScheduler.Controlled : lifetime => new SimScheduler(_clock, lifetime, e => _escaped ??= e),
                _meters, options.PortWrapper))];
        Oracle.Watch(Cluster, m => _members[m].IsFenced);
    }

    public SimulationOptions Options { get; }

    public ulong Seed { get; }

    public Scenario Scenario { get; }

    public Oracle Oracle { get; }

    public SimulatedCluster Cluster { get; }

    public SimulationStats Stats { get; } = new() { Runs = 1 };

    /// <summary>Every partition, those added while the group ran included.</summary>
    public IReadOnlyList<TopicPartitionId> Partitions => Cluster.Partitions;

    public bool Stopped { get; private set; }

    public Violation? Violation { get; private set; }

    public SimulationResult Run()
    {
        // The hosts' awaits must come back to the simulator's scheduler, never to a context of the caller's (a test
        // framework's, a UI's), which would run them on threads of its own, outside the clock.
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            return RunOnClock();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    /// <summary>The run with the hosts' tasks on the pool: every round, <see cref="ControlledRoundMs"/> of virtual time
    /// pass (timers and network messages come due), then a controlled delay gives the hosts' and the handlers' tasks
    /// scheduling steps before the next round. Under Coyote's <c>TestingEngine</c> (with the host, the simulation and the
    /// caller rewritten) every interleaving of those tasks is Coyote's to choose. Nothing checks for nondeterminism here:
    /// leaving a thread is what the pool does.</summary>
    public async Task<SimulationResult> RunControlledAsync()
    {
        var endMs = Begin();
        while (!Stopped && !_drained && _clock.NowMs < endMs)
        {
            _clock.Advance(TimeSpan.FromMilliseconds(Math.Min(ControlledRoundMs, endMs - _clock.NowMs)));
            await Task.Delay(1).ConfigureAwait(false);
        }

        return End();
    }

    private SimulationResult RunOnClock()
    {
        var endMs = Begin();
        while (!Stopped && !_drained && _clock.RunNext(endMs))
        {
            if (_escaped is { } escaped)
            {
                Oracle.Violate(ViolationKinds.Nondeterminism, escaped);
            }
        }

        return End();
    }

    /// <summary>Puts the run's schedule on the clock (starts, production, faults, the drain checks); returns when the run
    /// ends at the latest.</summary>
    private long Begin()
    {
        _trace?.Header(TraceHeader.For(Seed, Options, _plan, Scenario));
        Oracle.Note("scenario", Scenario.Describe(Options));
        if (Options.MessagesBeforeStart is { } before)
        {
            // Queued before the members' starts, so it lands first even for a member that starts at 0.
            _clock.At(0, () => ProduceScripted(before));
        }

        var starts = SimRandom.Stream(Seed, 0x57A7);
        foreach (var member in _members)
        {
            _clock.At(starts.Between(0, 1_000), member.Start);
        }

        _clock.At(Options.MessagesPerPartition is null ? ProduceEveryMs : Options.ScriptedProduceAtMs, Produce);
        foreach (var fault in _plan.Schedule)
        {
            _clock.At(fault.AtMs, () => Fire(fault));
        }

        _clock.At(Options.FaultWindowMs, CheckDrained);
        var endMs = Options.FaultWindowMs + Options.QuietWindowMs;
        _clock.At(endMs - Math.Min(ProgressWindowMs, Options.QuietWindowMs / 2), () =>
        {
            foreach (var tp in Partitions)
            {
                _committedBeforeEnd[tp] = CommittedOrStart(tp);
            }
        });
        return endMs;
    }

    /// <summary>Judges how the run ended (the history, then the user's end check) and reports it.</summary>
    private SimulationResult End()
    {
        if (!Stopped)
        {
            CheckHistoryAtEnd();
        }

        PartitionOutcome[] outcomes = [.. Partitions.Select(Outcome)];
        if (!Stopped && Options.UserHandler?.CheckAtEnd is { } check && check(outcomes) is { } failed)
        {
            Oracle.Violate(failed.Kind, failed.Detail);
        }

        Stats.Events = _clock.EntriesRun;
        Stats.SimulatedMs = _clock.NowMs;
        Stats.MemberFailures = _members.Sum(m => m.Failures);
        foreach (var tp in Partitions)
        {
            Stats.Duplicates += Oracle.History(tp).Duplicates;
        }

        _trace?.Record(new VerdictRecord(Violation?.ToString() ?? "pass") { AtMs = _clock.NowMs });
        return new SimulationResult(Seed, Scenario, _plan, Violation, Stats, _trace?.Hash, outcomes);
    }

    public void Dispose() => _meters.Dispose();

    private void Violate(Violation violation)
    {
        if (Violation is not null)
        {
            return;
        }

        Violation = violation;
        Stopped = true;
    }

    /// <summary>The options every member's consumer gets: the seed's configuration, handlers that are the simulator's
    /// own (around the run's user handler, if any), and, when the plan may slow them, an assignment callback.</summary>
    private ElsaConsumerOptions ConsumerOptions(MemberProcess member)
    {
        var options = Scenario.ToConsumerOptions(_topics);
        options.Name = $"member-{member.Index}";
        options.Handler = typeof(WorldHandler);
        if (Scenario.Restart.WhenExhausted == RestartExhaustedPolicy.DeadLetter)
        {
            options.DeadLetters = new SimulatedDeadLetters(Oracle, _clock, member, Scenario.Restart);
        }

        if (_plan.Enabled.Contains(FaultKind.CallbackDelay))
        {
            options.AssignmentReceivedHandler = async (_, _, _, cancellationToken) =>
            {
                var slow = member.Faults.InWindow(FaultKind.CallbackDelay);
                await Delays.Cancellable(_clock, TimeSpan.FromMilliseconds(slow ? member.Random.Between(200, 3_000) : member.Random.Between(0, 3)), cancellationToken);
                return CallbackOutcome.Ok;
            };
        }

        return options;
    }

    private void FaultFired(FaultKind kind, string text, int? member, TopicPartitionId? partition)
    {
        Stats.CountFault(kind);
        Oracle.Fault(kind, text, member, partition);
    }

    private PartitionOutcome Outcome(TopicPartitionId tp)
    {
        var log = Cluster.Log(tp);
        var history = Oracle.History(tp);
        long? committed = Cluster.Coordinator.Committed.TryGetValue(tp, out var offset) ? offset : null;
        return PartitionOutcome.Of(tp.Topic, tp.Partition, log.LogStart, log.HighWatermark, committed, o => history.HandledCount(o) > 0);
    }

    private void Produce()
    {
        if (_clock.NowMs >= Options.FaultWindowMs)
        {
            return;
        }

        if (Options.MessagesPerPartition is { } scripted)
        {
            // The scripted workload: everything at once, then nothing; the random producer stream is not touched.
            ProduceScripted(scripted);
            return;
        }

        for (var i = 0; i < Partitions.Count; i++)
        {
            // About rate/10 messages per 100 ms, varying batch to batch; a partition added later takes the rate of one of
            // the first ones.
            var rate = Scenario.MessagesPerSecond[i % Scenario.MessagesPerSecond.Count];
            var count = (int)((_producer.Between(0, 2 * rate) + 5) / 10);
            Cluster.Produce(Partitions[i], count);
            Stats.MessagesProduced += count;
        }

        _clock.After(ProduceEveryMs, Produce);
    }

    private void ProduceScripted(int messagesPerPartition)
    {
        foreach (var tp in Partitions)
        {
            Cluster.Produce(tp, messagesPerPartition);
            Stats.MessagesProduced += messagesPerPartition;
        }
    }

    private void Fire(Fault fault)
    {
        var member = _members[fault.TargetMember(Options)];
        var tp = fault.TargetPartition(Options);
        var fired = true;
        switch (fault.Kind)
        {
            case FaultKind.MemberCrash:
                fired = member.Crash(fault.Magnitude);
                break;
            case FaultKind.MemberRestart:
                fired = member.Restart(fault.Magnitude);
                break;
            case FaultKind.WorkerCrash:
                (OwnerOf(tp) ?? member).Faults.ArmWorkerCrash(tp);
                fired = false; // counted when a worker actually crashes
                break;
            case FaultKind.HandlerException:
                (OwnerOf(tp) ?? member).Faults.ArmHandlerException(tp);
                fired = false; // counted when a handler actually throws
                break;
            case FaultKind.AckBeyondDelivered:
                (OwnerOf(tp) ?? member).Faults.ArmAckBeyond(tp, fault.Magnitude);
                fired = false; // counted when a handler actually acks past its batch
                break;
            case FaultKind.CommitFailure:
            case FaultKind.UnknownCommitOutcome:
                member.Client?.Arm(fault.Kind);
                fired = false; // counted when a commit actually meets it
                break;
            case FaultKind.SessionTimeout:
                fired = member.Client is { } client;
                if (fired)
                {
                    member.Client!.LoseHeartbeats(fault.Magnitude);
                    Oracle.SessionTimesOut(member.Index);
                }

                break;
            case FaultKind.AckDelay:
            case FaultKind.AckDuplicate:
            case FaultKind.AckReorder:
            case FaultKind.CallbackDelay:
            case FaultKind.HandlerOutage:
                fired = member.Alive;
                member.Faults.OpenWindow(fault.Kind, fault.Magnitude);
                break;
            case FaultKind.RebalanceStorm:
                fired = false;
                for (var i = 0; i < fault.Magnitude; i++)
                {
                    _clock.After(i * 700, () =>
                    {
                        if (Cluster.Coordinator.ForceRebalance())
                        {
                            FaultFired(FaultKind.RebalanceStorm, "a rebalance of the storm", null, null);
                        }
                    });
                }

                break;
            case FaultKind.CoordinatorMove:
                Cluster.Coordinator.Move(fault.Magnitude);
                break;
            case FaultKind.PartitionsAdded:
                Cluster.AddPartitions(tp.Topic, (int)fault.Magnitude);
                break;
            case FaultKind.FetchOutOfRange:
                // Retention hurts whoever is furthest behind: a slow or crash-looping consumer.
                tp = MostBehind(tp);
                var log = Cluster.Log(tp);
                var unread = log.HighWatermark - log.LogStart;
                fired = unread > 0;
                Cluster.DeleteBefore(tp, log.LogStart + Math.Max(1, unread * fault.Magnitude / 1_000));
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"unknown fault {fault.Kind}");
        }

        if (fired)
        {
            // Retention strikes the partition furthest behind, which the trace names (the plan names only the fallback).
            var text = fault.Kind == FaultKind.FetchOutOfRange
                ? $"retention deletes {fault.Magnitude / 10}% of the log of {tp}, the partition furthest behind"
                : fault.Describe(Options);
            FaultFired(fault.Kind, text, TargetsMember(fault.Kind) ? member.Index : null, TargetsPartition(fault.Kind) ? tp : null);
        }
    }

    private static bool TargetsMember(FaultKind kind) => kind is FaultKind.MemberCrash or FaultKind.MemberRestart or FaultKind.SessionTimeout
        or FaultKind.AckDelay or FaultKind.AckDuplicate or FaultKind.AckReorder or FaultKind.CallbackDelay or FaultKind.HandlerOutage;

    private static bool TargetsPartition(FaultKind kind) => kind is FaultKind.FetchOutOfRange;

    /// <summary>The live member whose current ownership holds <paramref name="tp"/>, if any.</summary>
    private MemberProcess? OwnerOf(TopicPartitionId tp) => _members.FirstOrDefault(m => m.Alive && Oracle.Owns(m.Index, tp));

    /// <summary>The partition with the most messages above its committed offset; <paramref name="tieBreak"/> (the fault's
    /// own target) when none is behind more than it.</summary>
    private TopicPartitionId MostBehind(TopicPartitionId tieBreak)
    {
        var most = tieBreak;
        var mostBehind = Cluster.Log(tieBreak).HighWatermark - CommittedOrStart(tieBreak);
        foreach (var tp in Partitions)
        {
            var behind = Cluster.Log(tp).HighWatermark - CommittedOrStart(tp);
            if (behind > mostBehind)
            {
                (most, mostBehind) = (tp, behind);
            }
        }

        return most;
    }

    /// <summary>Whether a partition is left parked because its restart budget was really spent (the oracle's own count)
    /// under the park policy, or under the dead-letter policy by a crash the host could not place on a message: the
    /// configuration chose to give up on it until it is reassigned, so it need not drain.</summary>
    private bool ParkedByPolicy(TopicPartitionId tp) =>
        Scenario.Restart.WhenExhausted != RestartExhaustedPolicy.FailGroup && Oracle.SpentRestartBudget(tp, Scenario.Restart);

    private long CommittedOrStart(TopicPartitionId tp) =>
        Math.Max(Cluster.Coordinator.Committed.TryGetValue(tp, out var committed) ? committed : 0, Cluster.Log(tp).LogStart);

    private void CheckDrained()
    {
        _drained = Partitions.All(tp => CommittedOrStart(tp) >= Cluster.Log(tp).HighWatermark || ParkedByPolicy(tp));
        if (!_drained)
        {
            _clock.After(DrainCheckEveryMs, CheckDrained);
        }
    }

    private void CheckHistoryAtEnd()
    {
        var parked = Partitions.Where(ParkedByPolicy).ToHashSet();
        Stats.PartitionsParked += parked.Count;
        var behind = Partitions.Where(tp => CommittedOrStart(tp) < Cluster.Log(tp).HighWatermark && !parked.Contains(tp)).ToArray();
        var stuck = behind.Where(tp => Cluster.Coordinator.OwnerOf(tp) is null || CommittedOrStart(tp) <= _committedBeforeEnd.GetValueOrDefault(tp, -1)).ToArray();
        if (stuck.Length > 0)
        {
            var first = stuck[0];
            Oracle.Violate(ViolationKinds.Liveness,
                $"{stuck.Length} partition(s) not drained {Options.QuietWindowMs} ms after faults stopped and not progressing, e.g. {first} committed {CommittedOrStart(first)} of {Cluster.Log(first).HighWatermark}, {_committedBeforeEnd.GetValueOrDefault(first, -1)} {Math.Min(ProgressWindowMs, Options.QuietWindowMs / 2)} ms before (owner: {Cluster.Coordinator.OwnerOf(first) ?? "none"})", partition: first);
            return;
        }

        Stats.PartitionsBehind += behind.Length;
        var lost = new List<string>();
        TopicPartitionId? firstLost = null;
        foreach (var tp in Partitions.Where(tp => !parked.Contains(tp)))
        {
            var log = Cluster.Log(tp);
            var history = Oracle.History(tp);
            // Nothing below the anchor was ever to be read: begin_offset (or the committed offset) said where to start. A
            // partition still draining is checked up to its committed offset.
            var end = Math.Min(log.HighWatermark, CommittedOrStart(tp));
            for (var offset = history.Anchor ?? 0; offset < end; offset++)
            {
                if (history.HandledCount(offset) > 0)
                {
                    continue;
                }

                if (offset < log.LogStart)
                {
                    Stats.Expired++;
                }
                else if (history.WasSkippedByReset(offset))
                {
                    Stats.SkippedByReset++;
                }
                else
                {
                    Stats.Lost++;
                    if (lost.Count < 5)
                    {
                        lost.Add($"{tp}@{offset}");
                        firstLost ??= tp;
                    }
                }
            }
        }

        if (Stats.Lost > 0)
        {
            Oracle.Violate(ViolationKinds.LostMessage, $"{Stats.Lost} message(s) below the high watermark were never handled, e.g. {string.Join(", ", lost)}", partition: firstLost);
        }
    }
}
