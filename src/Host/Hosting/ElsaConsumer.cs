using System.Diagnostics.Metrics;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;
using Elsa.Sim.Hosting.Threading;
using Elsa.Sim.Hosting.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elsa.Sim.Hosting;

/// <summary>One member of an Elsa consumer group, embeddable in any process: Elsa's <c>Elsa.Group.Manager</c> (the pure
/// <see cref="GroupMachine"/>) on a consumer port (<see cref="IConsumerPort"/>: Confluent.Kafka through Elsa.Sim.Kafka, or
/// the simulated cluster through Elsa.Sim.Simulation, which runs this very class). Start it, let its workers call the
/// handler, ack from the handler's results or later through <see cref="Ack(string,int,int,long)"/>, and stop it to commit
/// what was acked and leave the group. docs/kafka.md describes the threads and the options.</summary>
public sealed class ElsaConsumer : IAsyncDisposable
{
    private readonly ElsaConsumerOptions _options;
    private readonly IGroupMachine _machine;
    private readonly Func<IConsumerPort> _portFactory;
    private readonly IMessageHandlerFactory _handlers;
    private readonly TimeProvider _time;
    private readonly IHostScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly ConsumerMetrics _metrics;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Runtime? _runtime;
    private Task? _shutdown;
    private bool _started;
    private volatile bool _stopped;
    private string? _failure;

    /// <summary>A consumer over <paramref name="port"/>.</summary>
    /// <param name="options">What to consume and how; copied, so later edits do not affect this consumer.</param>
    /// <param name="port">The consumer to run on; the consumer closes and disposes it when it stops.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">The clock for the commit interval, restart backoff and timeouts;
    /// <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="services">Creates handlers with dependency injection when given; otherwise handlers need a public
    /// parameterless constructor.</param>
    /// <param name="meterFactory">Creates the <see cref="MeterName"/> meter when given (dependency injection); otherwise
    /// the consumer owns its meter.</param>
    /// <exception cref="InvalidConfigurationException">When the options have problems; the message names every one.</exception>
    public ElsaConsumer(ElsaConsumerOptions options, IConsumerPort port, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, IServiceProvider? services = null, IMeterFactory? meterFactory = null)
        : this(options, () => port, new HostSeams { LoggerFactory = loggerFactory, Time = timeProvider, Services = services, MeterFactory = meterFactory }) =>
        ArgumentNullException.ThrowIfNull(port);

    /// <summary>A consumer whose port is created when it starts: a client that refuses its configuration then fails the
    /// consumer (<see cref="Completion"/>, <see cref="FailureReason"/>) as well as <see cref="StartAsync"/>.</summary>
    /// <param name="options">What to consume and how; copied, so later edits do not affect this consumer.</param>
    /// <param name="portFactory">Creates the consumer to run on, once; the consumer closes and disposes it when it stops.</param>
    /// <param name="loggerFactory">Where logs go; none by default.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> by default.</param>
    /// <param name="services">Creates handlers with dependency injection when given.</param>
    /// <param name="meterFactory">Creates the meter when given.</param>
    /// <exception cref="InvalidConfigurationException">When the options have problems; the message names every one.</exception>
    public ElsaConsumer(ElsaConsumerOptions options, Func<IConsumerPort> portFactory, ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null, IServiceProvider? services = null, IMeterFactory? meterFactory = null)
        : this(options, portFactory, new HostSeams { LoggerFactory = loggerFactory, Time = timeProvider, Services = services, MeterFactory = meterFactory })
    {
    }

    /// <summary>A consumer on the seams a simulator or a systematic test chooses: their scheduler and clock, and a group
    /// manager built by them (one with a planted bug proves the oracle catches it).</summary>
    internal ElsaConsumer(ElsaConsumerOptions options, Func<IConsumerPort> portFactory, HostSeams seams)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(portFactory);
        ArgumentNullException.ThrowIfNull(seams);
        var problems = ElsaConsumerOptionsValidator.Problems(options, handlerFromServices: seams.Services is not null);
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems);
        }

        _options = options.Clone();
        var config = _options.ToGroupConfig();
        _machine = seams.MachineFactory(config);
        var loggerFactory = seams.LoggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger<ElsaConsumer>();
        _portFactory = portFactory;
        _handlers = seams.Services is null
            ? new ActivatorHandlerFactory(_options.Handler!)
            : new ServiceProviderHandlerFactory(seams.Services, _options.Handler!);
        _time = seams.Time ?? TimeProvider.System;
        _scheduler = seams.Scheduler;
        _metrics = new ConsumerMetrics(seams.MeterFactory, _options.Name, _options.Group, Lag);
    }

    /// <summary>The name of the meter every consumer's instruments are on (<c>elsa.consumer.*</c>), to enable in a
    /// <see cref="MeterListener"/> or OpenTelemetry.</summary>
    public const string MeterName = ConsumerMetrics.MeterName;

    /// <summary>The activity source of the host's spans (one <c>process {topic}</c> consumer span per batch handed to a
    /// handler, after OpenTelemetry's messaging conventions), to enable in OpenTelemetry or an
    /// <see cref="System.Diagnostics.ActivityListener"/>.</summary>
    public const string ActivitySourceName = ConsumerTracing.ActivitySourceName;

    /// <summary>Raised for every diagnostic: a stale, malformed or backwards ack, a late worker message, a commit that will
    /// be retried or was fenced, a worker crash … (see <see cref="DiagnosticKind"/>). Raised on the group manager's loop,
    /// in order: keep handlers short.</summary>
    public event EventHandler<ElsaDiagnosticEventArgs>? DiagnosticReported;

    /// <summary>Raised once if the consumer fails; it then shuts down without committing, and <see cref="Completion"/>
    /// faults with <see cref="ElsaConsumerFailedException"/>.</summary>
    public event EventHandler<ElsaConsumerFailedEventArgs>? Failed;

    /// <summary>The consumer group.</summary>
    public string Group => _options.Group;

    /// <summary>Completes when the consumer has stopped; faults with <see cref="ElsaConsumerFailedException"/> when it
    /// failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Why the consumer failed, or null.</summary>
    public string? FailureReason => Volatile.Read(ref _failure);

    /// <summary>Whether the consumer failed, which partitions are parked and which have spent their restart budget, as of
    /// the group manager's last step: what a health check reports.</summary>
    public ElsaConsumerStatus Status => ElsaConsumerStatus.Of(State, _options.Restart, FailureReason);

    /// <summary>The group manager's state after its last step (tests and diagnostics).</summary>
    internal GroupState State => _runtime?.Loop.State ?? GroupState.Initial;

    /// <summary>Joins the group and starts consuming. Returns once the threads are running; partitions arrive with the
    /// first rebalance.</summary>
    /// <exception cref="InvalidOperationException">When the consumer was already started or stopped.</exception>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_started)
            {
                throw new InvalidOperationException("An ElsaConsumer starts once; create a new one to consume again.");
            }

            _started = true;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var config = _options.Config;
        IConsumerPort port;
        try
        {
            port = _portFactory();
        }
        catch (Exception e)
        {
            // The client refused its configuration: this consumer will never run.
            Volatile.Write(ref _failure, $"the consumer's client could not be created: {e.Message}");
            _stopped = true;
            _completion.TrySetException(new ElsaConsumerFailedException(_failure!));
            throw;
        }

        var router = new FetchRouter(port);
        ManagerLoop? loop = null;
        void Post(GroupEvent e) => loop!.Post(e);
        var env = new WorkerEnvironment
        {
            Consumer = _options.Name,
            Group = _options.Group,
            HandlerInitArgs = _options.HandlerInitArgs,
            Handlers = _handlers,
            Port = port,
            Router = router,
            Scheduler = _scheduler,
            PrefetchCount = config.PrefetchCount,
            PrefetchBytes = config.PrefetchBytes,
            RequestTimeout = TimeSpan.FromMilliseconds(_options.RequestTimeoutMs),
            IsolateAfterCrash = _options.Restart.WhenExhausted == RestartExhaustedPolicy.DeadLetter,
            Post = Post,
            Abort = _abort.Token,
            Logger = _logger,
            Metrics = _metrics,
        };
        var committer = new Committer(port, _scheduler, Post, _metrics, _logger);
        loop = new ManagerLoop(_machine, env, committer, _time, _logger, _metrics, RaiseDiagnostic, Fail, _options.DeadLetters);
        var consume = new ConsumeLoop(port, loop, router, [.. _options.Topics], _scheduler, _time,
            // sleep_timeout: how long the consume loop waits when nothing arrives (at least 1 ms, so it never spins).
            pollTimeout: TimeSpan.FromMilliseconds(Math.Max(1, config.SleepTimeoutMs)),
            rebalanceTimeout: TimeSpan.FromMilliseconds(_options.RebalanceTimeoutMs),
            requestTimeout: env.RequestTimeout,
            _logger, _metrics, Fail);
        _runtime = new Runtime(port, loop, committer, consume);
        _logger.Starting(_options.Group, string.Join(", ", _options.Topics));
        committer.Start();
        loop.Start();
        consume.Start();
        return Task.CompletedTask;
    }

    /// <summary>Stops gracefully: workers finish the batch in hand, what was acked is committed, and the member leaves the
    /// group. If <paramref name="cancellationToken"/> fires first, handlers are cancelled and
    /// the consumer leaves without waiting for them. Safe to call more than once.</summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_started)
            {
                _started = true;
                _stopped = true;
                _completion.TrySetResult();
                return Task.CompletedTask;
            }

            if (_runtime is null)
            {
                // StartAsync could not create the client: there is nothing to stop.
                return Task.CompletedTask;
            }

            return _shutdown ??= ShutdownAsync(graceful: true, cancellationToken);
        }
    }

    /// <summary>Elsa's <c>ack/5</c>: messages of <paramref name="topic"/>/<paramref name="partition"/> up to and including
    /// <paramref name="offset"/> (Elsa's convention: the last message handled; the commit carries <c>offset + 1</c>) were
    /// handled by a worker of <paramref name="generationId"/> (<see cref="HandlerContext.GenerationId"/>, or
    /// <see cref="ConsumedMessage.GenerationId"/>). A stale or malformed ack changes nothing and raises
    /// <see cref="DiagnosticReported"/>.</summary>
    public void Ack(string topic, int partition, int generationId, long offset)
    {
        ArgumentNullException.ThrowIfNull(topic);
        _metrics.Ack();
        Post(new HostItem.Event(new GroupEvent.Acked(topic, partition, generationId, offset)));
    }

    /// <summary>Elsa's <c>ack/2</c>: the same ack as a map with the keys <c>topic</c>, <c>partition</c>,
    /// <c>generation_id</c> and <c>offset</c> (integers of any integral type). A malformed map changes nothing and raises
    /// one <see cref="DiagnosticReported"/> (<see cref="DiagnosticKind.InvalidAck"/>) naming every problem.</summary>
    public void Ack(IReadOnlyDictionary<string, object?> ack)
    {
        ArgumentNullException.ThrowIfNull(ack);
        if (AckMap.Read(ack, out var problems) is { } acked)
        {
            _metrics.Ack();
            Post(new HostItem.Event(acked));
        }
        else
        {
            Post(new HostItem.Report(new GroupEffect.Diagnostic(DiagnosticKind.InvalidAck, $"ack map ignored: {string.Join("; ", problems)}")));
        }
    }

    /// <summary>Elsa's <c>get_committed_offsets</c>: what the coordinator confirmed for each partition of
    /// <paramref name="topic"/> this member owns (Kafka's convention: the next offset to read), in partition order.</summary>
    public IReadOnlyList<PartitionOffset> GetCommittedOffsets(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return State.CommittedOffsets(topic);
    }

    /// <summary>Stops (gracefully) and releases the consumer's resources.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            await Completion;
        }
        catch (ElsaConsumerFailedException)
        {
            // Reported through Failed and FailureReason already; disposing is not the place to rethrow it.
        }

        _metrics.Dispose();
        _abort.Dispose();
    }

    private void Post(HostItem item)
    {
        if (_runtime is not { } runtime || !runtime.Loop.Post(item))
        {
            // Not running: a report still reaches its subscribers; an ack has nobody to go to, as in Elsa.
            if (item is HostItem.Report report)
            {
                RaiseDiagnostic(report.Diagnostic);
            }
        }
    }

    private async Task ShutdownAsync(bool graceful, CancellationToken cancellationToken)
    {
        var runtime = _runtime!;
        _logger.Stopping(_options.Group);
        var clean = false;
        if (graceful && FailureReason is null)
        {
            runtime.Loop.Post(new GroupEvent.ShutdownRequested());
            clean = await FinishesFirst(runtime.Loop.ShutdownCompleted, _failed.Task, cancellationToken);
            if (!clean && FailureReason is null)
            {
                _logger.ShutdownCut(_options.Group);
            }
        }

        if (!clean)
        {
            // Failed, or out of time: handlers still busy are cancelled so the workers and the rebalance can end.
            _abort.Cancel();
        }

        // The consume loop closes the client, which may run a last revocation through the loop: keep the loop going.
        runtime.Consume.RequestStop();
        await runtime.Consume.Completion;
        _abort.Cancel();
        runtime.Loop.Complete();
        await runtime.Loop.Completion;
        // After a clean shutdown every worker has reported its end (the machine waited for it). After a failure or a cut
        // stop the cancelled handlers are waited for, but a handler that ignores cancellation must not hold the process
        // hostage.
        if (!clean && !await Delays.Within(runtime.Loop.WorkersEnded(), TimeSpan.FromMilliseconds(_options.RebalanceTimeoutMs), _time))
        {
            _logger.GaveUpWaiting(_options.Group, "a handler ignoring cancellation", _options.RebalanceTimeoutMs);
        }

        runtime.Committer.Complete();
        await runtime.Committer.Completion;
        _stopped = true;
        runtime.Loop.Dispose();
        runtime.Port.Dispose();
        _logger.Stopped(_options.Group);
        if (FailureReason is { } reason)
        {
            _completion.TrySetException(new ElsaConsumerFailedException(reason));
        }
        else
        {
            _completion.TrySetResult();
        }
    }

    private void Fail(string reason)
    {
        lock (_gate)
        {
            if (_failure is not null || _stopped)
            {
                return;
            }

            Volatile.Write(ref _failure, reason);
        }

        _logger.Failed(_options.Group, reason);
        _failed.TrySetResult();
        try
        {
            Failed?.Invoke(this, new ElsaConsumerFailedEventArgs(reason));
        }
#pragma warning disable CA1031 // A subscriber's exception must not stop the consumer from shutting down.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.SubscriberThrew(e, nameof(Failed));
        }

        lock (_gate)
        {
            // Off the caller: it may be the consume loop or the manager loop, which the shutdown waits for.
            _shutdown ??= _scheduler.Run(() => ShutdownAsync(graceful: false, CancellationToken.None));
        }
    }

    private void RaiseDiagnostic(GroupEffect.Diagnostic diagnostic)
    {
        try
        {
            DiagnosticReported?.Invoke(this, new ElsaDiagnosticEventArgs(diagnostic));
        }
#pragma warning disable CA1031 // A subscriber's exception must not break the group manager's loop.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.SubscriberThrew(e, nameof(DiagnosticReported));
        }
    }

    private IEnumerable<(TopicPartitionId Partition, long Lag)> Lag()
    {
        if (_stopped || _runtime is not { } runtime)
        {
            yield break;
        }

        foreach (var partition in runtime.Loop.State.Partitions.Values)
        {
            if (partition.CommittedOffset is { } committed && runtime.Port.CachedWatermarks(partition.Partition) is { } watermarks)
            {
                yield return (partition.Partition, Math.Max(0, watermarks.High - committed));
            }
        }
    }

    /// <summary>True when <paramref name="task"/> completes before <paramref name="rival"/> and before
    /// <paramref name="cancellationToken"/> fires.</summary>
    private static async Task<bool> FinishesFirst(Task task, Task rival, CancellationToken cancellationToken)
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        return await TaskRace.FirstAsync(task, rival, cancelled.Task) == task;
    }

    private sealed record Runtime(IConsumerPort Port, ManagerLoop Loop, Committer Committer, ConsumeLoop Consume);
}
