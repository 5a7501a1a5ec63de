using System.Globalization;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Threading;
using Elsa.Sim.Simulation;
using Elsa.Sim.Systematic.Tests.Handlers;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>One iteration's world: the simulator's cluster (coordinator, logs, clients) and oracle, on a clock that a task
/// of its own advances a round at a time while the iteration runs (time flows; Coyote interleaves it with everything
/// else), and the members, each the shipped <see cref="ElsaConsumer"/> in a <see cref="MemberProcess"/>
/// whose tasks Coyote schedules (the pool, which Coyote controls). Every broken property the oracle sees fails the
/// iteration through <see cref="Specification.Assert(bool, string)"/>. Scenarios script it and end with
/// <see cref="SettleAndStopAsync"/> or <see cref="StopAllAsync"/>, which check how the members ended and record the
/// iteration in the test's <see cref="RaceTally"/>.</summary>
internal sealed class TestGroup
{
    public const string Topic = "orders";

    // Virtual time per round: a few network hops, and a tenth of the commit interval.
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(50);

    // Rounds a scenario waits for its messages to be handled, and again for its members to stop: 20 virtual seconds,
    // several rebalances' worth. A correct run needs a fraction of it.
    private const int Rounds = 400;

    // Rounds an iteration may last in all, so one that waits for something that never comes ends with a liveness
    // failure rather than running until Coyote's step bound.
    private const int MaxRounds = 4 * Rounds;

    private const int MaxMembers = 3;
    private const long SessionTimeoutMs = 1_000;
    private const long HeartbeatIntervalMs = 100;

    // No latency of its own: a scenario handler takes its time in scheduling points (HandlerScript.YieldsPerBatch).
    private static readonly HandlerProfile Instant = new(AckStyle.EveryBatch, 0, 0);

    private readonly List<(string Name, MemberProcess Process)> _members = [];
    private readonly WorldMeters _meters = new();
    private readonly RaceTally? _races;
    private readonly Task _clock;
    private TaskCompletionSource _round = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopped;
    private bool _progressWaived;
    private readonly HashSet<string> _left = new(StringComparer.Ordinal);

    private TestGroup(RaceTally? races, int partitions, int messagesPerPartition, RebalanceProtocol protocol)
    {
        _races = races;
        Oracle = new Oracle(Clock, MaxMembers, StartPosition.Earliest, OffsetResetPolicy.ResetToEarliest, new SimulationStats(), trace: null,
            violation => Specification.Assert(false, "{0}", violation.ToString()));
        Observer = new GroupObserver(this);
        Partitions = [.. Enumerable.Range(0, partitions).Select(p => new TopicPartitionId(Topic, p))];
        Cluster = new SimulatedCluster(Clock, Oracle, Partitions, protocol, SessionTimeoutMs, HeartbeatIntervalMs, user: null, (_, _, _, _) => { })
        {
            Observer = Observer,
        };
        Oracle.Watch(Cluster, m => m < _members.Count && _members[m].Process.IsFenced);
        foreach (var partition in Partitions)
        {
            Cluster.Produce(partition, messagesPerPartition);
        }

        _clock = Task.Run(TickAsync);
    }

    public Happenings Happenings { get; } = new();

    public Ledger Ledger { get; } = new();

    public SimClock Clock { get; } = new();

    public Oracle Oracle { get; }

    public SimulatedCluster Cluster { get; }

    public GroupObserver Observer { get; }

    public IReadOnlyList<TopicPartitionId> Partitions { get; }

    /// <summary>A group on one topic with <paramref name="partitions"/> partitions of <paramref name="messagesPerPartition"/>
    /// messages each, counting its race into <paramref name="races"/> (none for a planted bug's hunt).</summary>
    public static TestGroup Create(RaceTally? races, int partitions = 2, int messagesPerPartition = 3,
        RebalanceProtocol protocol = RebalanceProtocol.Eager) =>
        new(races, partitions, messagesPerPartition, protocol);

    /// <summary>The name a scenario gave member <paramref name="index"/>.</summary>
    public string NameOf(int index) => _members[index].Name;

    /// <summary>Starts a member running the shipped host over its own simulated client, and returns once the coordinator
    /// knows it (the group then rebalances to include it).</summary>
    public async Task StartAsync(string name, Func<HandlerScript, HandlerScript>? script = null, Action<ElsaConsumerOptions>? configure = null,
        Func<GroupConfig, IGroupMachine>? machine = null, Func<IConsumerPort, IConsumerPort>? port = null)
    {
        var handlers = (script ?? (s => s))(new HandlerScript(name, this));
        var index = _members.Count;
        var user = new UserHandler(() => new ScenarioHandler(handlers), (_, _) => (ReadOnlyMemory<byte>.Empty, ReadOnlyMemory<byte>.Empty)) { Name = "scenario" };
        var process = new MemberProcess(Cluster, index, seed: 1, _ => Options(configure), machine ?? (config => new GroupMachine(config)), user,
            _ => PoolScheduler.Controlled, _meters, port, Instant)
        {
            // A failed member stays down: the scenario checks how it failed.
            RestartsAfterFailure = false,
        };
        _members.Add((name, process));
        process.Start();
        for (var round = 0; round < Rounds && process.Client?.MemberId is null; round++)
        {
            await PassTimeAsync();
        }

        Specification.Assert(process.Client?.MemberId is not null, "member {0} never joined the group", name);
    }

    /// <summary>Whether the member's client is in a revoke or lost callback.</summary>
    public bool IsRevoking(string name) => Process(name).Port?.Revoking == true;

    /// <summary>Stops a member gracefully (it commits and leaves; the others take its partitions) and waits for it; it must
    /// end cleanly.</summary>
    public async Task LeaveAsync(string name)
    {
        var consumer = Process(name).Consumer;
        await StopAsync(name, Process(name));
        _left.Add(name);
        Specification.Assert(consumer is { FailureReason: null }, "member {0} left but failed: {1}", name, consumer?.FailureReason ?? "it was down already");
    }

    /// <summary>The member's session expires now: the coordinator expels it; it finds out at its next request, loses its
    /// partitions and rejoins as a new member.</summary>
    public void ExpireSession(string name)
    {
        var process = Process(name);
        if (Observer.CommitInFlight(_members.FindIndex(m => m.Name == name)))
        {
            Happenings.Saw(Race.LossDuringCommit);
        }

        Cluster.Coordinator.ExpireSession(process.Client!.MemberId!);
    }

    /// <summary>Starts a rebalance round, as a metadata change would.</summary>
    public void Rebalance() => Cluster.Coordinator.ForceRebalance();

    /// <summary>Acks, through each member's <c>Ack</c>, what handlers held back, until the members are stopped.</summary>
    public async Task AckHeldAsync()
    {
        while (true)
        {
            if (Ledger.TryTakeAck(out var ack, out var next))
            {
                var process = Process(ack.Member);
                if (process.Port?.Revoking == true)
                {
                    Happenings.Saw(Race.AckDuringRevocation);
                }

                process.Consumer?.Ack(ack.Partition.Topic, ack.Partition.Partition, ack.GenerationId, ack.LastOffset);
                Ledger.AckSent(ack);
            }
            else if (next is null)
            {
                return;
            }
            else
            {
                await next;
            }
        }
    }

    /// <summary>Lets virtual time pass, a round at a time, until every message was handled, every held ack sent and the
    /// group is at rest; fails the iteration (liveness) if the round budget is spent first.</summary>
    public async Task SettleAsync()
    {
        // One reading of the group per round, and the verdict is the reading the loop acted on: reading the group is itself
        // a run of scheduling points (Coyote checks collection accesses for races), so a second reading may differ from
        // the first without any time passing (a leave in flight arrives, and the group starts rebalancing).
        for (var round = 0; !Settled(); round++)
        {
            if (round == Rounds)
            {
                Specification.Assert(false, "liveness: the group did not settle within {0} rounds of {1} ms: {2}", Rounds, Round.TotalMilliseconds, Pending());
            }

            await PassTimeAsync();
        }
    }

    /// <summary>Lets virtual time pass, a round at a time, until the group has committed every partition up to its end
    /// while every member runs; fails the iteration (liveness) if the round budget is spent first. A member that stopped
    /// committing is caught here, before a stop's last-chance commit would hide it.</summary>
    public async Task CommittedToTheEndAsync()
    {
        for (var round = 0; !CommittedToTheEnd(); round++)
        {
            if (round == Rounds)
            {
                Specification.Assert(false, "liveness: the group did not commit every partition to its end within {0} rounds of {1} ms: {2}",
                    Rounds, Round.TotalMilliseconds, string.Join(", ", Partitions.Select(p => $"{p} committed {Cluster.Coordinator.Committed.GetValueOrDefault(p)} of {Cluster.Log(p).HighWatermark}")));
            }

            await PassTimeAsync();
        }
    }

    /// <summary><see cref="SettleAsync"/>, then <see cref="StopAllAsync"/>.</summary>
    public async Task SettleAndStopAsync(ExpectedFailure? failing = null)
    {
        await SettleAsync();
        await StopAllAsync(failing);
    }

    /// <summary>Stops every member gracefully, concurrently, while time passes, and checks how they ended: every stop
    /// finishes within the round budget (a revoke callback that never returns fails liveness); every member ends cleanly
    /// except <paramref name="failing"/>, which fails for its reason; and if the group was at rest when the stops began,
    /// whatever each cleanly stopped member acked in its last ownership of a partition is committed.</summary>
    public async Task StopAllAsync(ExpectedFailure? failing = null)
    {
        // Acks held from now on stay unsent: whether a stopping member still commits them is not for the checks to guess.
        Ledger.StopAcking();
        var commitsExpected = Settled();
        var consumers = _members.ToDictionary(m => m.Name, m => m.Process.Consumer, StringComparer.Ordinal);
        var ownerships = _members.ToDictionary(m => m.Name, m => Ownerships(m.Process), StringComparer.Ordinal);
        var stops = _members.Where(m => m.Process.Alive).Select(m => StopAsync(m.Name, m.Process)).ToArray();
        for (var round = 0; round < Rounds && !stops.All(s => s.IsCompleted); round++)
        {
            await PassTimeAsync();
        }

        if (!stops.All(s => s.IsCompleted))
        {
            Specification.Assert(false, "liveness: a stop did not complete within {0} rounds of {1} ms: {2}", Rounds, Round.TotalMilliseconds, Pending());
        }
        foreach (var (name, process) in _members.Where(m => !_left.Contains(m.Name)))
        {
            AssertEnded(name, consumers[name], process, failing);
            if (commitsExpected && consumers[name] is { FailureReason: null } && Ledger.UnsentAcks(name) == 0)
            {
                AssertCommitted(name, ownerships[name]);
            }
        }

        _stopped = true;
        await _clock;
        _races?.Record(Happenings);
        _meters.Dispose();
    }

    /// <summary>From now on the scenario does not expect every message to be handled (it stops early, or a member is
    /// meant to fail): <see cref="SettleAsync"/> asks only that the group is at rest.</summary>
    public void WaiveProgress() => _progressWaived = true;

    /// <summary>Completes after the next round of virtual time.</summary>
    public Task PassTimeAsync() => _round.Task;

    /// <summary>Time flowing: a round of virtual time (timers and network messages come due), then the host's tasks run.</summary>
    private async Task TickAsync()
    {
        for (var round = 0; !_stopped; round++)
        {
            if (round >= MaxRounds)
            {
                Specification.Assert(false, "liveness: the iteration did not end within {0} rounds of {1} ms: {2}", MaxRounds, Round.TotalMilliseconds, Pending());
            }

            try
            {
                Clock.Advance(Round);
            }
#pragma warning disable CA1031 // What the world throws is a finding: reported as one, not lost in this task.
            catch (Exception e) when (e.GetType().Namespace?.StartsWith("Microsoft.Coyote", StringComparison.Ordinal) != true)
#pragma warning restore CA1031
            {
                Specification.Assert(false, "the simulated world threw: {0}", e.ToString());
            }

            var passed = _round;
            _round = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            passed.TrySetResult();
            // A controlled delay, not a yield: the host's tasks get scheduling steps to act on the round before the next
            // one (with a yield, virtual time outruns the work it creates).
            await Task.Delay(1);
        }
    }

    private MemberProcess Process(string name) => _members.First(m => m.Name == name).Process;

    private static ElsaConsumerOptions Options(Action<ElsaConsumerOptions>? configure)
    {
        var options = new ElsaConsumerOptions
        {
            Group = "systematic",
            Topics = [Topic],
            Handler = typeof(WorldHandler),
            // Short, so periodic commits go out during a scenario (Elsa's default is 5 s).
            CommitIntervalMs = 500,
            // The messages exist before the group starts; Elsa's default (latest) would skip them.
            Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest },
        };
        configure?.Invoke(options);
        return options;
    }

    private async Task StopAsync(string name, MemberProcess process)
    {
        if (Ledger.BatchesInHand(name) > 0)
        {
            Happenings.Saw(Race.StopDuringBatch);
        }

        await process.StopAsync();
    }

    private static void AssertEnded(string name, ElsaConsumer? consumer, MemberProcess process, ExpectedFailure? failing)
    {
        var shouldFail = failing?.Member == name;
        Specification.Assert(!process.Alive, "member {0} stopped but its process still runs", name);
        if (consumer is null)
        {
            // It was down already (it failed) when the stops began.
            Specification.Assert(shouldFail, "member {0} went down on its own", name);
            return;
        }

        Specification.Assert(consumer.Completion.IsCompleted, "member {0} stopped but did not complete", name);
        Specification.Assert(consumer.Completion.IsFaulted == shouldFail && (consumer.FailureReason is null) != shouldFail,
            "member {0} {1} (failure: {2})", name, shouldFail ? "should have failed" : "should have ended cleanly", consumer.FailureReason ?? "none");
        if (shouldFail)
        {
            Specification.Assert(consumer.FailureReason!.Contains(failing!.Reason, StringComparison.Ordinal),
                "member {0} failed for another reason: expected '{1}', got '{2}'", name, failing.Reason, consumer.FailureReason);
        }
    }

    /// <summary>The member's current ownerships, as the oracle keeps them (they live on after they end).</summary>
    private List<(TopicPartitionId Partition, OwnershipEpoch Epoch)> Ownerships(MemberProcess process) =>
        [.. Partitions.Select(p => (p, Oracle.EpochOf(process.Index, p))).Where(o => o.Item2 is not null).Select(o => (o.p, o.Item2!))];

    /// <summary>Every ack the oracle counted as the member's own in its last ownership of each partition is committed.</summary>
    private void AssertCommitted(string name, List<(TopicPartitionId Partition, OwnershipEpoch Epoch)> ownerships)
    {
        foreach (var (partition, epoch) in ownerships)
        {
            var acked = epoch.MaxLegitimateAck + 1;
            var committed = Cluster.Coordinator.Committed.TryGetValue(partition, out var offset) ? offset : (long?)null;
            Specification.Assert(acked <= epoch.BaseOffset || committed >= acked,
                "every acked offset is committed by a clean stop: {0} acked {1} up to next offset {2}, but the group committed {3}",
                name, partition, acked, committed?.ToString(CultureInfo.InvariantCulture) ?? "nothing");
        }
    }

    private bool AllHandled() =>
        Partitions.All(p => Enumerable.Range(0, (int)Cluster.Log(p).HighWatermark).All(o => Oracle.History(p).HandledCount(o) > 0));

    private bool CommittedToTheEnd() =>
        Partitions.All(p => Cluster.Coordinator.Committed.TryGetValue(p, out var committed) && committed == Cluster.Log(p).HighWatermark);

    private bool AtRest() =>
        !Cluster.Coordinator.Preparing &&
        _members.ToArray().All(m => !m.Process.Alive || (m.Process.Client!.Settled && m.Process.Port is { Revoking: false, CallbacksPending: false }));

    private bool Settled() => (_progressWaived || AllHandled()) && Ledger.AllAcksSent && AtRest();

    private string Pending()
    {
        var unhandled = Partitions.Where(p => Enumerable.Range(0, (int)Cluster.Log(p).HighWatermark).Any(o => Oracle.History(p).HandledCount(o) == 0));
        var members = _members.ToArray().Select(m => m.Process.Port is { } port
            ? $"{m.Name}: {(port.Revoking ? "in a revoke callback" : port.CallbacksPending ? "callbacks pending" : m.Process.Client!.Settled ? "at rest" : "rebalancing")}, manager {Describe(m.Process.Consumer)}"
            : $"{m.Name}: down");
        return $"unhandled: [{string.Join(", ", unhandled)}]; unsent acks: {!Ledger.AllAcksSent}; coordinator {(Cluster.Coordinator.Preparing ? "rebalancing" : "stable")}; {string.Join("; ", members)}";
    }

    private static string Describe(ElsaConsumer? consumer) =>
        consumer?.State is not { } state ? "none" :
        $"{state.Phase}, " + string.Join(", ", state.Partitions.Values.Select(p => $"{p.Partition} {p.Phase} worker {p.Worker} stopping {p.StoppingWorker}"));
}
