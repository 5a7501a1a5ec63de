using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>One seeded run: the broker's logs, the coordinator, the members, the producer and the fault plan on one
/// timeline. Runs until the first violation, until every partition is drained after the fault window, or until the
/// liveness deadline; then checks the history.</summary>
internal sealed class World
{
    private const long ProduceEveryMs = 100;
    private const long DrainCheckEveryMs = 1_000;

    private readonly Dictionary<TopicPartition, PartitionLog> _logs = [];
    private readonly Dictionary<TopicPartition, PartitionHistory> _histories = [];
    private readonly SimMember[] _members;
    private readonly FaultPlan _plan;
    private readonly TraceSink? _trace;
    private readonly SimRandom _producer;
    private bool _drained;

    public World(SimulationOptions options, ulong seed, FaultPlan plan, TraceSink? trace)
    {
        Options = options;
        Seed = seed;
        _plan = plan;
        _trace = trace;
        Scenario = Scenario.Draw(seed, options);
        _producer = SimRandom.Stream(seed, 0x9E0D);
        var topics = options.TopicNames();
        Partitions = options.TopicPartitions();
        foreach (var tp in Partitions)
        {
            _logs[tp] = new PartitionLog();
            _histories[tp] = new PartitionHistory();
        }

        var config = Scenario.ToGroupConfig(topics);
        Stats.CountSettings(Scenario.Settings());
        Coordinator = new SimCoordinator(this);
        _members = [.. Enumerable.Range(0, options.Members).Select(i => new SimMember(this, i, config))];
    }

    public SimulationOptions Options { get; }

    public ulong Seed { get; }

    public Scenario Scenario { get; }

    public RebalanceProtocol Protocol => Scenario.Protocol;

    public Timeline Timeline { get; } = new();

    public SimCoordinator Coordinator { get; }

    public SimulationStats Stats { get; } = new() { Runs = 1 };

    public IReadOnlyList<TopicPartition> Partitions { get; }

    public bool Stopped { get; private set; }

    public Violation? Violation { get; private set; }

    public PartitionLog Broker(TopicPartition tp) => _logs[tp];

    public PartitionHistory History(TopicPartition tp) => _histories[tp];

    public void Violate(string kind, string detail)
    {
        if (Violation is not null)
        {
            return;
        }

        Violation = new Violation(kind, Timeline.NowMs, detail);
        Stopped = true;
        _trace?.Note(Timeline.NowMs, "violation", Violation.ToString());
    }

    /// <summary>Whether the run is traced; a caller whose note is costly to format asks first.</summary>
    public bool Tracing => _trace is not null;

    /// <summary>A line in the trace about something the simulator did outside a machine step (a handled batch).</summary>
    public void Note(string kind, string text) => _trace?.Note(Timeline.NowMs, kind, text);

    public void RecordStep(int member, GroupEvent @event, ValueList<GroupEffect> effects)
    {
        Stats.Steps++;
        _trace?.Step(Timeline.NowMs, member, @event, effects);
    }

    public SimulationResult Run()
    {
        _trace?.Header(TraceHeader.For(Seed, Options, _plan, Scenario));
        _trace?.Note(0, "scenario", Scenario.Describe(Options));
        var starts = SimRandom.Stream(Seed, 0x57A7);
        foreach (var member in _members)
        {
            Timeline.At(starts.Between(0, 1_000), member.Start);
        }

        Timeline.At(ProduceEveryMs, Produce);
        foreach (var fault in _plan.Schedule)
        {
            Timeline.At(fault.AtMs, () => Fire(fault));
        }

        Timeline.At(Options.FaultWindowMs, CheckDrained);
        var endMs = Options.FaultWindowMs + Options.QuietWindowMs;
        while (!Stopped && !_drained && Timeline.RunNext(endMs))
        {
        }

        if (!Stopped)
        {
            CheckHistoryAtEnd();
        }

        PartitionOutcome[] outcomes = [.. Partitions.Select(Outcome)];
        if (!Stopped && Options.UserHandler?.CheckAtEnd is { } check && check(outcomes) is { } failed)
        {
            Violate(failed.Kind, failed.Detail);
        }

        Stats.Events = Timeline.ActionsRun;
        Stats.SimulatedMs = Timeline.NowMs;
        foreach (var history in _histories.Values)
        {
            Stats.Duplicates += history.Duplicates;
        }

        _trace?.Note(Timeline.NowMs, "verdict", Violation?.ToString() ?? "pass");
        return new SimulationResult(Seed, Scenario, _plan, Violation, Stats, _trace?.Hash, outcomes);
    }

    private PartitionOutcome Outcome(TopicPartition tp)
    {
        var log = _logs[tp];
        var history = _histories[tp];
        long? committed = Coordinator.Committed.TryGetValue(tp, out var offset) ? offset : null;
        return PartitionOutcome.Of(tp.Topic, tp.Partition, log.LogStart, log.HighWatermark, committed, o => history.HandledCount(o) > 0);
    }

    private void Produce()
    {
        if (Timeline.NowMs >= Options.FaultWindowMs)
        {
            return;
        }

        if (Options.MessagesPerPartition is { } scripted)
        {
            // The scripted workload: everything at once, then nothing; the random producer stream is not touched.
            foreach (var tp in Partitions)
            {
                _logs[tp].Append(scripted);
                Stats.MessagesProduced += scripted;
            }

            return;
        }

        for (var i = 0; i < Partitions.Count; i++)
        {
            // About rate/10 messages per 100 ms, varying batch to batch.
            var rate = Scenario.MessagesPerSecond[i];
            var count = (int)((_producer.Between(0, 2 * rate) + 5) / 10);
            _logs[Partitions[i]].Append(count);
            Stats.MessagesProduced += count;
        }

        Timeline.After(ProduceEveryMs, Produce);
    }

    private void Fire(Fault fault)
    {
        var member = _members[fault.TargetMember(Options)];
        var tp = fault.TargetPartition(Options);
        var fired = true;
        switch (fault.Kind)
        {
            case FaultKind.MemberCrash:
                fired = member.Alive;
                member.Crash(fault.Magnitude);
                break;
            case FaultKind.MemberRestart:
                fired = member.Alive && member.MemberId is not null;
                if (fired)
                {
                    member.Restart(fault.Magnitude);
                }

                break;
            case FaultKind.WorkerCrash:
                var owner = MemberWithWorkerFor(tp);
                fired = owner is not null;
                owner?.CrashWorkerOf(tp);
                break;
            case FaultKind.HandlerException:
                (MemberWithWorkerFor(tp) ?? member).ArmHandlerException(tp);
                fired = false; // counted when a handler actually throws
                break;
            case FaultKind.AckBeyondDelivered:
                (MemberWithWorkerFor(tp) ?? member).ArmAckBeyond(tp, fault.Magnitude);
                fired = false; // counted when a handler actually acks past its batch
                break;
            case FaultKind.CommitFailure:
            case FaultKind.UnknownCommitOutcome:
                member.Arm(fault.Kind);
                fired = false; // counted when a commit actually meets it
                break;
            case FaultKind.SessionTimeout:
            case FaultKind.AckDelay:
            case FaultKind.AckDuplicate:
            case FaultKind.AckReorder:
            case FaultKind.CallbackDelay:
            case FaultKind.HandlerOutage:
                fired = member.Alive;
                member.OpenWindow(fault.Kind, fault.Magnitude);
                break;
            case FaultKind.RebalanceStorm:
                fired = false;
                for (var i = 0; i < fault.Magnitude; i++)
                {
                    Timeline.After(i * 700, () =>
                    {
                        if (Coordinator.ForceRebalance())
                        {
                            Stats.CountFault(FaultKind.RebalanceStorm);
                        }
                    });
                }

                break;
            case FaultKind.CoordinatorMove:
                Coordinator.Move(fault.Magnitude);
                break;
            case FaultKind.FetchOutOfRange:
                // Retention hurts whoever is furthest behind: a slow or crash-looping consumer.
                tp = MostBehind(tp);
                var log = _logs[tp];
                var unread = log.HighWatermark - log.LogStart;
                fired = unread > 0;
                log.DeleteBefore(log.LogStart + Math.Max(1, unread * fault.Magnitude / 1_000));
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"unknown fault {fault.Kind}");
        }

        if (fired)
        {
            Stats.CountFault(fault.Kind);
            _trace?.Note(Timeline.NowMs, "fault", fault.Describe(Options));
        }
    }

    private SimMember? MemberWithWorkerFor(TopicPartition tp) => _members.FirstOrDefault(m => m.Alive && m.HasLiveWorkerFor(tp));

    /// <summary>The partition with the most messages above its committed offset; <paramref name="tieBreak"/> (the fault's
    /// own target) when none is behind more than it.</summary>
    private TopicPartition MostBehind(TopicPartition tieBreak)
    {
        var most = tieBreak;
        var mostBehind = _logs[tieBreak].HighWatermark - CommittedOrStart(tieBreak);
        foreach (var tp in Partitions)
        {
            var behind = _logs[tp].HighWatermark - CommittedOrStart(tp);
            if (behind > mostBehind)
            {
                (most, mostBehind) = (tp, behind);
            }
        }

        return most;
    }

    /// <summary>Where <c>begin_offset</c> puts a partition now, by the simulator's own reading of the log.</summary>
    public long ResolveBegin(TopicPartition tp) => Resolve(tp, Scenario.BeginOffset);

    /// <summary>Where an offset reset puts a partition now, by the simulator's own reading of the log and the policy.</summary>
    public long ResolveReset(TopicPartition tp) =>
        Resolve(tp, Scenario.OffsetResetPolicy == OffsetResetPolicy.ResetToEarliest ? StartPosition.Earliest : StartPosition.Latest);

    private long Resolve(TopicPartition tp, StartPosition position) => position.Kind switch
    {
        StartPositionKind.Earliest => _logs[tp].LogStart,
        StartPositionKind.Latest => _logs[tp].HighWatermark,
        _ => position.Offset,
    };

    /// <summary>Whether a partition is left parked because its restart budget was really spent (the simulator's own
    /// count of its owner's crashes) under the park policy: the configuration chose to give up on it until it is
    /// reassigned, so it need not drain.</summary>
    private bool ParkedByPolicy(TopicPartition tp) =>
        Scenario.Restart.WhenExhausted == RestartExhaustedPolicy.ParkPartition &&
        _members.Any(m => m.Alive && m.EpochOf(tp) is { } epoch && epoch.SpentRestartBudget(Scenario.Restart.MaxRestarts, Scenario.Restart.WithinMs));

    private long CommittedOrStart(TopicPartition tp) =>
        Math.Max(Coordinator.Committed.TryGetValue(tp, out var committed) ? committed : 0, _logs[tp].LogStart);

    private void CheckDrained()
    {
        _drained = Partitions.All(tp => CommittedOrStart(tp) >= _logs[tp].HighWatermark || ParkedByPolicy(tp));
        if (!_drained)
        {
            Timeline.After(DrainCheckEveryMs, CheckDrained);
        }
    }

    private void CheckHistoryAtEnd()
    {
        var parked = Partitions.Where(ParkedByPolicy).ToHashSet();
        Stats.PartitionsParked += parked.Count;
        var stuck = Partitions.Where(tp => CommittedOrStart(tp) < _logs[tp].HighWatermark && !parked.Contains(tp)).ToArray();
        if (stuck.Length > 0)
        {
            var first = stuck[0];
            Violate(ViolationKinds.Liveness,
                $"{stuck.Length} partition(s) not drained {Options.QuietWindowMs} ms after faults stopped, e.g. {first} committed {CommittedOrStart(first)} of {_logs[first].HighWatermark} (owner: {Coordinator.OwnerOf(first) ?? "none"})");
            return;
        }

        var lost = new List<string>();
        foreach (var tp in Partitions.Where(tp => !parked.Contains(tp)))
        {
            var log = _logs[tp];
            var history = _histories[tp];
            // Nothing below the anchor was ever to be read: begin_offset (or the committed offset) said where to start.
            for (var offset = history.Anchor ?? 0; offset < log.HighWatermark; offset++)
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
                    }
                }
            }
        }

        if (Stats.Lost > 0)
        {
            Violate(ViolationKinds.LostMessage, $"{Stats.Lost} message(s) below the high watermark were never handled, e.g. {string.Join(", ", lost)}");
        }
    }
}
