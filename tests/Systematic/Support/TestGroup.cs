using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Threading;
using Elsa.Sim.Systematic.Tests.Broker;
using Elsa.Sim.Systematic.Tests.Handlers;
using Elsa.Sim.Systematic.Tests.Monitors;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>One iteration's world: the simulated cluster, virtual time, the monitors, what happens (cues and races), and
/// the members, each a real <see cref="ElsaConsumer"/> over its own <see cref="SimulatedPort"/>. Scenarios script it and
/// end with <see cref="SettleAndStopAsync"/> or <see cref="StopAllAsync"/>, which check how the members ended and record
/// the iteration in the test's <see cref="RaceTally"/>.</summary>
internal sealed class TestGroup
{
    // Virtual time per round: longer than the first restart backoff (100 ms), so a crashed worker restarts within a
    // round, and half the commit interval, so periodic commits go out every other round.
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(250);

    // Rounds a scenario waits for its messages to be handled, and again for its members to stop. A correct run needs a
    // dozen or so; a stuck one spends them all (about 4,000 steps) and stays within SystematicRun.MaxSteps, so the
    // monitors get to report.
    private const int Rounds = 200;
    private readonly Dictionary<string, ElsaConsumer> _members = new(StringComparer.Ordinal);
    private readonly RaceTally? _races;

    private TestGroup(RaceTally? races, int partitions, long messagesPerPartition)
    {
        Specification.RegisterMonitor<SafetyMonitor>();
        Specification.RegisterMonitor<LivenessMonitor>();
        _races = races;
        Cluster = new SimulatedCluster(partitions, messagesPerPartition, Happenings);
    }

    public Happenings Happenings { get; } = new();

    public SimulatedCluster Cluster { get; }

    public Ledger Ledger { get; } = new();

    private ManualClock Clock { get; } = new();

    public IReadOnlyList<TopicPartition> Partitions => Cluster.Partitions;

    /// <summary>A group on one topic with <paramref name="partitions"/> partitions of <paramref name="messagesPerPartition"/>
    /// messages each, counting its race into <paramref name="races"/> (none for a planted bug's hunt); call inside the
    /// Coyote test so the monitors belong to the iteration.</summary>
    public static TestGroup Create(RaceTally? races, int partitions = 2, long messagesPerPartition = 3) =>
        new(races, partitions, messagesPerPartition);

    /// <summary>Starts a member running the production host over its own simulated client.</summary>
    public async Task<ElsaConsumer> StartAsync(string member, Func<HandlerScript, HandlerScript>? script = null,
        Action<ElsaConsumerOptions>? configure = null, Func<GroupConfig, IGroupMachine>? machine = null)
    {
        var options = new ElsaConsumerOptions
        {
            Group = "systematic",
            Topics = [SimulatedCluster.Topic],
            Handler = typeof(ScenarioHandler),
            HandlerInitArgs = (script ?? (s => s))(new HandlerScript(member, this)),
            // Short, so periodic commits go out during a scenario (Elsa's default is 5 s).
            CommitIntervalMs = 500,
            // The messages exist before the group starts; Elsa's default (latest) would skip them.
            Config = new ConsumerConfig { BeginOffset = StartPosition.Earliest },
        };
        configure?.Invoke(options);
        var port = new SimulatedPort(Cluster, member, Ledger, Happenings);
        var consumer = new ElsaConsumer(options, () => port, new HostSeams
        {
            Time = Clock,
            Scheduler = PoolScheduler.Controlled,
            MachineFactory = machine ?? (config => new GroupMachine(config)),
        });
        consumer.Failed += (_, _) =>
        {
            if (Cluster.RebalanceQueued)
            {
                Happenings.Saw(Race.FailureWithRebalanceQueued);
            }
        };
        _members[member] = consumer;
        await consumer.StartAsync();
        await Cluster.JoinedAsync(member);
        return consumer;
    }

    /// <summary>Assigns every partition to <paramref name="members"/>, round robin.</summary>
    public void Spread(params string[] members) => Cluster.Rebalance(Spreading(members));

    /// <summary>The round-robin assignment of every partition to <paramref name="members"/>.</summary>
    public Dictionary<string, TopicPartition[]> Spreading(params string[] members) =>
        members.ToDictionary(m => m, m => Partitions.Where(p => members[p.Partition % members.Length] == m).ToArray(), StringComparer.Ordinal);

    /// <summary>Acks, through each member's <c>Ack</c>, what handlers held back, until the members are stopped.</summary>
    public async Task AckHeldAsync()
    {
        while (true)
        {
            if (Ledger.TryTakeAck(out var ack, out var next))
            {
                if (Cluster.IsRevoking(ack.Member))
                {
                    Happenings.Saw(Race.AckDuringRevocation);
                }

                _members[ack.Member].Ack(ack.Partition.Topic, ack.Partition.Partition, ack.GenerationId, ack.LastOffset);
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
    /// group is at rest, or the round budget is spent (the liveness monitor then reports what is still pending).</summary>
    public async Task SettleAsync()
    {
        for (var round = 0; round < Rounds && !Settled(); round++)
        {
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
    /// finishes within the round budget; every member ends cleanly except <paramref name="failing"/>, which fails for
    /// its reason; no handler of a cleanly stopped member is still alive when its stop returns (the safety monitor's
    /// check); and if the group was at rest when the stops began, whatever a cleanly stopped member acked in the
    /// generation of its latest workers, with none of its held acks left unsent, is committed at the cluster.</summary>
    public async Task StopAllAsync(ExpectedFailure? failing = null)
    {
        // Acks held from now on stay unsent: whether a stopping member still commits them is not for the checks to guess.
        Ledger.StopAcking();
        // At rest, every member is in the current generation, so each clean stop's final commit is accepted.
        var commitsExpected = Cluster.IsStable;
        var owned = _members.Keys.ToDictionary(m => m, Cluster.AssignedTo, StringComparer.Ordinal);
        var ownerships = _members.ToDictionary(m => m.Key, m => m.Value.State, StringComparer.Ordinal);
        var stops = _members.Select(m => StopAsync(m.Key, m.Value)).ToArray();
        for (var round = 0; round < Rounds && !stops.All(s => s.IsCompleted); round++)
        {
            await PassTimeAsync();
        }

        if (!stops.All(s => s.IsCompleted) && Cluster.AnyRevoking)
        {
            // A stop stuck behind a revoke callback that never returned: the liveness monitor reports it, in its hot
            // state RevocationPending, when the iteration ends.
            return;
        }

        Specification.Assert(stops.All(s => s.IsCompleted), "every member stops: a stop did not complete within {0} rounds of {1} ms ({2})",
            Rounds, Round.TotalMilliseconds, string.Join("; ", _members.Select(m => $"{m.Key}: {Describe(m.Value.State)}")));
        foreach (var (name, member) in _members)
        {
            AssertEnded(name, member, failing);
            if (commitsExpected && member.FailureReason is null)
            {
                AssertCommitted(name, owned[name], ownerships[name]);
            }
        }

        _races?.Record(Happenings);
    }

    /// <summary>From now on the scenario does not expect every message to be handled (it stops early, or a member is
    /// meant to fail); the liveness monitor still requires every revocation to complete.</summary>
    public static void WaiveProgress() => Specification.Monitor<LivenessMonitor>(new ProgressWaived());

    /// <summary>One round of virtual time: timers come due, and every waiting poll times out.</summary>
    public async Task PassTimeAsync()
    {
        Clock.Advance(Round);
        Cluster.Signal();
        await Task.Delay(1);
    }

    private static void AssertEnded(string name, ElsaConsumer member, ExpectedFailure? failing)
    {
        Specification.Assert(member.Completion.IsCompleted, "member {0} stopped but did not complete", name);
        var shouldFail = failing?.Member == name;
        Specification.Assert(member.Completion.IsFaulted == shouldFail && (member.FailureReason is null) != shouldFail,
            "member {0} {1} (failure: {2})", name, shouldFail ? "should have failed" : "should have ended cleanly", member.FailureReason ?? "none");
        if (shouldFail)
        {
            Specification.Assert(member.FailureReason!.Contains(failing!.Reason, StringComparison.Ordinal),
                "member {0} failed for another reason: expected '{1}', got '{2}'", name, failing.Reason, member.FailureReason);
        }
    }

    /// <summary>Acks of the member's current ownership of each partition (in <paramref name="before"/>, its state when
    /// the stops began) are committed. Acks of an earlier ownership it lost are not: its current workers may not have
    /// started yet when the group came to rest.</summary>
    private void AssertCommitted(string name, IReadOnlyList<TopicPartition> owned, GroupState before)
    {
        if (Ledger.UnsentAcks(name) > 0)
        {
            return;
        }

        var committed = Cluster.Committed(owned);
        for (var i = 0; i < owned.Count; i++)
        {
            if (Ledger.AckedNext(name, owned[i]) is { } acked &&
                before.Partitions.TryGetValue(owned[i], out var ownership) && acked.Generation >= ownership.OwnedSinceGeneration)
            {
                Specification.Assert(committed[i] >= acked.NextOffset,
                    "every acked offset is committed by a clean stop: {0} acked {1} up to next offset {2} (generation {3}), but the group committed {4}",
                    name, owned[i], acked.NextOffset, acked.Generation, committed[i]?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing");
            }
        }
    }

    /// <summary>Stops one member; once its stop returned cleanly, the safety monitor checks none of its handlers lives on.</summary>
    private async Task StopAsync(string name, ElsaConsumer member)
    {
        if (Ledger.BatchesInHand(name) > 0)
        {
            Happenings.Saw(Race.StopDuringBatch);
        }

        await member.StopAsync();
        if (member.FailureReason is null)
        {
            Specification.Monitor<SafetyMonitor>(new MemberStopped(name));
        }
    }

    private bool Settled() =>
        Partitions.All(p => Ledger.HandledBelow(p, Cluster.End(p))) && Ledger.AllAcksSent && Cluster.IsStable;

    private static string Describe(GroupState state) =>
        $"{state.Phase}, " + string.Join(", ", state.Partitions.Values.Select(p => $"{p.Partition} {p.Phase} worker {p.Worker} stopping {p.StoppingWorker}"));
}
