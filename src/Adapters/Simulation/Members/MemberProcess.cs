using Elsa.Sim.Core;
using Elsa.Sim.Hosting;

namespace Elsa.Sim.Simulation;

/// <summary>One member of the simulated group: a process running the shipped <see cref="ElsaConsumer"/> over its own
/// <see cref="SimulatedPort"/>, on the simulator's clock and scheduler. Each incarnation (a start, up to a crash, a
/// failure or a stop) has a lifetime of its own: when it ends, everything the incarnation left on the clock is dropped.
/// A crash kills the process without a word to anyone; a restart stops the consumer gracefully (it commits and leaves);
/// a consumer that fails is restarted a little later, as a supervisor would.</summary>
internal sealed class MemberProcess
{
    private readonly SimulatedCluster _cluster;
    private readonly Func<MemberProcess, ElsaConsumerOptions> _options;
    private readonly Func<GroupConfig, IGroupMachine> _machine;
    private readonly Action<string> _escaped;
    private readonly WorldMeters _meters;
    private readonly SimRandom _rng;
    private readonly UserHandler? _user;
    private Lifetime _lifetime = new();
    private SimulatedPort? _port;
    private ElsaConsumer? _consumer;
    private SimScheduler? _scheduler;
    private long _rejoinAfterMs;

    public MemberProcess(SimulatedCluster cluster, int index, ulong seed, Func<MemberProcess, ElsaConsumerOptions> options,
        Func<GroupConfig, IGroupMachine> machine, UserHandler? user, WorldMeters meters, Action<string> escaped)
    {
        _cluster = cluster;
        Index = index;
        _options = options;
        _machine = machine;
        _user = user;
        _meters = meters;
        _escaped = escaped;
        _rng = SimRandom.Stream(seed, 0x3E3B_0000UL + (ulong)index);
        Profile = HandlerProfile.Draw(_rng);
        Faults = new MemberFaults(cluster, index);
        _lifetime.End();
    }

    public int Index { get; }

    public HandlerProfile Profile { get; }

    public MemberFaults Faults { get; }

    /// <summary>The member's own randomness (its handlers' latencies, its callbacks' delays, its network).</summary>
    public SimRandom Random => _rng;

    /// <summary>Whether an incarnation is running.</summary>
    public bool Alive => !_lifetime.Ended;

    /// <summary>The running incarnation's client, if any.</summary>
    public GroupClient? Client => Alive ? _port?.Client : null;

    /// <summary>Whether the coordinator no longer knows this member's client (it was expelled, and lives on as a zombie
    /// until it finds out).</summary>
    public bool IsFenced => Client is not { MemberId: { } id } || !_cluster.Coordinator.IsMember(id);

    /// <summary>Times the consumer failed and was restarted.</summary>
    public int Failures { get; private set; }

    private Oracle Oracle => _cluster.Oracle;

    /// <summary>Starts a new incarnation: a fresh client and a fresh consumer, which joins the group.</summary>
    public void Start()
    {
        if (Alive)
        {
            return;
        }

        var lifetime = new Lifetime();
        _lifetime = lifetime;
        var scheduler = new SimScheduler(_cluster.Clock, lifetime, _escaped);
        var port = new SimulatedPort(_cluster, Index, _rng, lifetime);
        var options = _options(this);
        options.HandlerInitArgs = new HandlerSite(Index, _cluster, _rng, Profile, Faults, _user, options.Config, lifetime, Ack);
        var consumer = new ElsaConsumer(options, () => port, new HostSeams
        {
            Time = _cluster.Clock,
            Scheduler = scheduler,
            MeterFactory = _meters,
            MachineFactory = config => new CheckedMachine(_machine(config), Index, Oracle),
        });
        (_port, _consumer, _scheduler) = (port, consumer, scheduler);
        _ = scheduler.Run(async () =>
        {
            await consumer.StartAsync();
            try
            {
                await consumer.Completion;
            }
            catch (ElsaConsumerFailedException)
            {
                // Told apart below, by FailureReason.
            }

            Ended(lifetime, consumer);
        });
    }

    /// <summary>The process dies: its handlers vanish mid-batch, nothing is committed, the coordinator is not told. It
    /// starts again after <paramref name="restartAfterMs"/>.</summary>
    public bool Crash(long restartAfterMs)
    {
        if (!Alive)
        {
            return false;
        }

        GoDown("crashed");
        _cluster.Clock.After(restartAfterMs, Start);
        return true;
    }

    /// <summary>A graceful restart: the consumer stops (its workers finish, it commits what was acked, it leaves) and the
    /// process starts again <paramref name="rejoinAfterMs"/> after the stop returned.</summary>
    public bool Restart(long rejoinAfterMs)
    {
        if (!Alive || _consumer is not { } consumer || _scheduler is not { } scheduler || Client?.MemberId is null)
        {
            return false;
        }

        _rejoinAfterMs = rejoinAfterMs;
        _ = scheduler.Run(() => consumer.StopAsync());
        return true;
    }

    private void Ended(Lifetime lifetime, ElsaConsumer consumer)
    {
        if (lifetime.Ended)
        {
            return;
        }

        if (consumer.FailureReason is { } reason)
        {
            // Elsa's supervisor restarts a failed group manager.
            Failures++;
            GoDown($"failed: {reason}");
            _cluster.Clock.After(_rng.Between(500, 3_000), Start);
            return;
        }

        Oracle.MemberStopped(Index);
        GoDown("shut down");
        _cluster.Clock.After(_rejoinAfterMs, Start);
    }

    private void GoDown(string how)
    {
        _lifetime.End();
        (_port, _consumer, _scheduler) = (null, null, null);
        Oracle.MemberDown(Index, how);
    }

    private void Ack(TopicPartition partition, int generationId, long offset) =>
        _consumer?.Ack(partition.Topic, partition.Partition, generationId, offset);
}
