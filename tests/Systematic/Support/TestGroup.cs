using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Hosting;
using Elsa.Sim.Kafka.Options;
using Elsa.Sim.Systematic.Tests.Broker;
using Elsa.Sim.Systematic.Tests.Handlers;
using Elsa.Sim.Systematic.Tests.Monitors;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>One iteration's world: the simulated cluster, virtual time, the monitors, and the members, each a real
/// <see cref="ElsaConsumer"/> over its own <see cref="SimulatedPort"/>. Scenarios script it and end with
/// <see cref="SettleAndStopAsync"/>.</summary>
internal sealed class TestGroup
{
    // Virtual time per round: longer than the first restart backoff (100 ms), so a crashed worker restarts within a
    // round, and half the commit interval, so periodic commits go out every other round.
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(250);

    // Rounds a scenario waits for its messages to be handled, and again for its members to stop. A correct run needs a
    // dozen or so; a stuck one spends them all and stays within SystematicRun.MaxSteps, so the monitors get to report.
    private const int Rounds = 200;
    private readonly Dictionary<string, ElsaConsumer> _members = new(StringComparer.Ordinal);

    private TestGroup(int partitions, long messagesPerPartition)
    {
        Specification.RegisterMonitor<SafetyMonitor>();
        Specification.RegisterMonitor<LivenessMonitor>();
        Cluster = new SimulatedCluster(partitions, messagesPerPartition);
    }

    public SimulatedCluster Cluster { get; }

    public Ledger Ledger { get; } = new();

    public ManualClock Clock { get; } = new();

    public IReadOnlyList<TopicPartition> Partitions => Cluster.Partitions;

    public ElsaConsumer this[string member] => _members[member];

    /// <summary>A group on one topic with <paramref name="partitions"/> partitions of <paramref name="messagesPerPartition"/>
    /// messages each; call inside the Coyote test so the monitors belong to the iteration.</summary>
    public static TestGroup Create(int partitions = 2, long messagesPerPartition = 3) => new(partitions, messagesPerPartition);

    /// <summary>Starts a member running the production host over its own simulated client.</summary>
    public async Task<ElsaConsumer> StartAsync(string member, Func<HandlerScript, HandlerScript>? script = null,
        Action<ElsaConsumerOptions>? configure = null, Func<GroupConfig, IGroupMachine>? machine = null)
    {
        var options = new ElsaConsumerOptions
        {
            Group = "systematic",
            Topics = [SimulatedCluster.Topic],
            Handler = typeof(ScenarioHandler),
            HandlerInitArgs = (script ?? (s => s))(new HandlerScript(member, Ledger)),
            // Short, so periodic commits go out during a scenario (Elsa's default is 5 s).
            CommitIntervalMs = 500,
            // The messages exist before the group starts; Elsa's default (latest) would skip them.
            Config = new ConsumerConfig { BeginOffset = StartPosition.Earliest },
        };
        configure?.Invoke(options);
        var consumer = new ElsaConsumer(options, new SimulatedPort(Cluster, member), Clock, machine ?? (config => new GroupMachine(config)));
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

    /// <summary>Acks, through each member's <c>Ack</c>, what handlers held back, until <see cref="Ledger.StopAcking"/>.</summary>
    public async Task AckHeldAsync()
    {
        while (true)
        {
            if (Ledger.TryTakeAck(out var ack, out var next))
            {
                _members[ack.Member].Ack(ack.Partition.Topic, ack.Partition.Partition, ack.GenerationId, ack.LastOffset);
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

    /// <summary>Lets virtual time pass, a round at a time, until every message was handled (or the round budget is
    /// spent: the liveness monitor then reports what is still pending), and stops every member.</summary>
    public async Task SettleAndStopAsync(params string[] failing)
    {
        for (var round = 0; round < Rounds && !AllHandled(); round++)
        {
            await PassTimeAsync();
        }

        await StopAllAsync(failing);
    }

    /// <summary>Stops every member gracefully, concurrently, while time passes. Every stop must finish within the round
    /// budget, and every member must end cleanly except those named in <paramref name="failing"/>, which must fail.</summary>
    public async Task StopAllAsync(params string[] failing)
    {
        // StopAsync returns at the shutdown's first wait; the shutdowns then run while time passes here.
        var stops = _members.Values.Select(m => m.StopAsync()).ToArray();
        for (var round = 0; round < Rounds && !stops.All(s => s.IsCompleted); round++)
        {
            await PassTimeAsync();
        }

        Specification.Assert(stops.All(s => s.IsCompleted), "every member stops: a stop did not complete within {0} rounds of {1} ms ({2})",
            Rounds, Round.TotalMilliseconds, string.Join("; ", _members.Select(m => $"{m.Key}: {Describe(m.Value.State)}")));
        foreach (var (name, member) in _members)
        {
            Specification.Assert(member.Completion.IsCompleted, "member {0} stopped but did not complete", name);
            var shouldFail = failing.Contains(name);
            Specification.Assert(member.Completion.IsFaulted == shouldFail && (member.FailureReason is null) != shouldFail,
                "member {0} {1} (failure: {2})", name, shouldFail ? "should have failed" : "should have ended cleanly", member.FailureReason ?? "none");
        }
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

    private static string Describe(GroupState state) =>
        $"{state.Phase}, " + string.Join(", ", state.Partitions.Values.Select(p => $"{p.Partition} {p.Phase} worker {p.Worker} stopping {p.StoppingWorker}"));

    private bool AllHandled() => Partitions.All(p => Ledger.HandledBelow(p, Cluster.End(p)));
}
