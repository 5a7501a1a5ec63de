using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Threading;

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
    private readonly Func<Lifetime, IHostScheduler> _schedulers;
    private readonly WorldMeters _meters;
    private readonly Func<IConsumerPort, IConsumerPort>? _portWrapper;
    private readonly SimRandom _rng;
    private readonly UserHandler? _user;
    private Lifetime _lifetime = new();
    private SimulatedPort? _port;
    private ElsaConsumer? _consumer;
    private IHostScheduler? _scheduler;
    private long? _rejoinAfterMs;
    private TaskCompletionSource _down = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="cluster">The cluster it runs on.</param>
    /// <param name="index">Its index in the run.</param>
    /// <param name="seed">The run's seed: the member's randomness is a stream of it.</param>
    /// <param name="options">Its consumer's options, per incarnation.</param>
    /// <param name="machine">Builds its group manager (the real one, or one with a planted bug).</param>
    /// <param name="user">The user's handler its handlers run, or null for the simulator's model.</param>
    /// <param name="schedulers">Where an incarnation's host runs its tasks: the simulator's scheduler, or Coyote's.</param>
    /// <param name="meters">The run's meter.</param>
    /// <param name="portWrapper">Wraps its client port, as a planted host bug does; none when null.</param>
    /// <param name="profile">How its handlers take their time and ack; drawn from the seed when null.</param>
    public MemberProcess(SimulatedCluster cluster, int index, ulong seed, Func<MemberProcess, ElsaConsumerOptions> options,
        Func<GroupConfig, IGroupMachine> machine, UserHandler? user, Func<Lifetime, IHostScheduler> schedulers, WorldMeters meters,
        Func<IConsumerPort, IConsumerPort>? portWrapper = null, HandlerProfile? profile = null)
    {
        _cluster = cluster;
        Index = index;
        _options = options;
        _machine = machine;
        _user = user;
        _schedulers = schedulers;
        _meters = meters;
        _portWrapper = portWrapper;
        _rng = SimRandom.Stream(seed, 0x3E3B_0000UL + (ulong)index);
        Profile = profile ?? HandlerProfile.Draw(_rng);
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

    /// <summary>The running incarnation's port, if any.</summary>
    public SimulatedPort? Port => Alive ? _port : null;

    /// <summary>The running incarnation's consumer, if any.</summary>
    public ElsaConsumer? Consumer => Alive ? _consumer : null;

    /// <summary>Whether the coordinator no longer knows this member's client (it was expelled, and lives on as a zombie
    /// until it finds out).</summary>
    public bool IsFenced => Client is not { MemberId: { } id } || !_cluster.Coordinator.IsMember(id);

    /// <summary>Times the consumer failed.</summary>
    public int Failures { get; private set; }

    /// <summary>Whether a failed consumer is started again, as Elsa's supervisor would. Default true.</summary>
    public bool RestartsAfterFailure
    {
        get => _restartAfterFailure;
        set => _restartAfterFailure = value;
    }

    private bool _restartAfterFailure = true;

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
        _down = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = _schedulers(lifetime);
        var port = new SimulatedPort(_cluster, Index, _rng, lifetime, _cluster.StaticMembership ? $"instance-{Index}" : null);
        var options = _options(this);
        options.HandlerInitArgs = new HandlerSite(Index, _cluster, _rng, Profile, Faults, _user, options.Config, lifetime, Ack);
        var hostPort = _portWrapper?.Invoke(port) ?? port;
        var consumer = new ElsaConsumer(options, () => hostPort, new HostSeams
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

    /// <summary>Stops the consumer gracefully for good; completes when the incarnation has ended.</summary>
    public async Task StopAsync()
    {
        if (_consumer is not { } consumer || _scheduler is not { } scheduler)
        {
            return;
        }

        _rejoinAfterMs = null;
        var down = _down.Task;
        await scheduler.Run(() => consumer.StopAsync());
        await down;
    }

    private void Ended(Lifetime lifetime, ElsaConsumer consumer)
    {
        if (lifetime.Ended)
        {
            return;
        }

        if (consumer.FailureReason is { } reason)
        {
            // Elsa's supervisor restarts a failed group manager (a systematic test's member that is stopping stays down).
            Failures++;
            Oracle.MemberFailed(Index, reason);
            GoDown($"failed: {reason}");
            if (_restartAfterFailure)
            {
                _cluster.Clock.After(_rng.Between(500, 3_000), Start);
            }

            return;
        }

        Oracle.MemberStopped(Index);
        GoDown("shut down");
        if (_rejoinAfterMs is { } rejoinAfterMs)
        {
            _cluster.Clock.After(rejoinAfterMs, Start);
        }
    }

    private void GoDown(string how)
    {
        _lifetime.End();
        (_port, _consumer, _scheduler) = (null, null, null);
        Oracle.MemberDown(Index, how);
        _down.TrySetResult();
    }

    private void Ack(TopicPartitionId partition, int generationId, long offset) =>
        _consumer?.Ack(partition.Topic, partition.Partition, generationId, offset);
}
