using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;
using Elsa.Sim.Hosting.Threading;
using Elsa.Sim.Hosting.Workers;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Hosting;

// Theory of operation
// -------------------
// The group manager is the pure GroupMachine (an IGroupMachine, so systematic tests can plant a bug); this loop is its
// only caller. Every input (worker reports, acks, callback results, commit outcomes, rebalances, ticks) arrives as a
// HostItem on one queue and is handled by one task, one at a time: Step, check its effects against the invariants,
// publish the state, execute the effects in order. Nothing here blocks: effects that take time (user callbacks,
// commits, workers) run elsewhere and report back through the queue, exactly as the machine expects ("every result of
// an effect comes back as an event").
//
// Two rebalance callbacks wait on the consume thread for this loop:
// - an assignment waits (AssignmentGate) until each assigned partition has a worker and a start position, or cannot get
//   one; the callback returns the positions to the client;
// - a revocation or loss waits (RevocationGate) until the machine emits CompleteRevocation and the commits queued before
//   it were answered and the revoked callback returned; only then does the client hand the partitions on.
//
// Time: the machine's clock is the TimeProvider's elapsed time since start. Before each item the loop ticks if the clock
// moved, and after each batch of items it arms one timer for GroupState.NextDeadlineMs.

/// <summary>Runs the group machine: one serialized loop that steps it and executes its effects.</summary>
internal sealed class ManagerLoop : IDisposable
{
    private readonly IGroupMachine _machine;
    private readonly WorkerEnvironment _env;
    private readonly Committer _committer;
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly ILogger _logger;
    private readonly ConsumerMetrics _metrics;
    private readonly Action<GroupEffect.Diagnostic> _onDiagnostic;
    private readonly Action<string> _onFail;
    private readonly IDeadLetterWriter? _deadLetters;
    private readonly AsyncQueue<HostItem> _inbox = new();
    private readonly DeadlineTimer _timer;
    private readonly TaskCompletionSource _shutdownCompleted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Loop thread only.
    private readonly Dictionary<WorkerId, PartitionWorker> _workers = [];
    private GroupState _state = GroupState.Initial;
    private AssignmentGate? _assignment;
    private RevocationGate? _revocation;
    private Task _revokedCallbacks = Task.CompletedTask;
    private bool _broken;

    // Any thread: the last state the loop published.
    private GroupState _published = GroupState.Initial;

    public ManagerLoop(IGroupMachine machine, WorkerEnvironment env, Committer committer, TimeProvider time, ILogger logger,
        ConsumerMetrics metrics, Action<GroupEffect.Diagnostic> onDiagnostic, Action<string> onFail, IDeadLetterWriter? deadLetters)
    {
        _machine = machine;
        _env = env;
        _committer = committer;
        _time = time;
        _startTimestamp = time.GetTimestamp();
        _logger = logger;
        _metrics = metrics;
        _onDiagnostic = onDiagnostic;
        _onFail = onFail;
        _deadLetters = deadLetters;
        _timer = new DeadlineTimer(time, () => Post(new HostItem.TickDue()));
    }

    /// <summary>The state after the last step, for <c>GetCommittedOffsets</c>, metrics and tests.</summary>
    public GroupState State => Volatile.Read(ref _published);

    /// <summary>Completes when the machine finished a shutdown and its final commit was answered.</summary>
    public Task ShutdownCompleted => _shutdownCompleted.Task;

    public Task Completion { get; private set; } = Task.CompletedTask;

    private GroupConfig Config => _machine.Config;

    private long NowMs => (long)_time.GetElapsedTime(_startTimestamp).TotalMilliseconds;

    public void Start() => Completion = _env.Scheduler.Run(RunAsync);

    /// <summary>Queues an item; false when the loop has ended (the item is dropped).</summary>
    public bool Post(HostItem item) => _inbox.TryEnqueue(item);

    public void Post(GroupEvent @event) => Post(new HostItem.Event(@event));

    /// <summary>Ends the loop once what is queued is handled.</summary>
    public void Complete() => _inbox.Complete();

    /// <summary>Completes when every worker still known has ended; call after <see cref="Completion"/>.</summary>
    public async Task WorkersEnded()
    {
        // Awaited in turn rather than Task.WhenAll: see TaskRace for why the host composes its tasks with await.
        foreach (var worker in _workers.Values.ToArray())
        {
            await worker.Completion;
        }
    }

    public void Dispose() => _timer.Dispose();

    private async Task RunAsync()
    {
        while (await _inbox.WaitToReadAsync())
        {
            while (_inbox.TryDequeue(out var item))
            {
                Handle(item);
            }

            if (!_broken)
            {
                // A deadline the last tick did not clear is retried a millisecond later, never in a spin.
                var deadline = _state.NextDeadlineMs(Config);
                _timer.Arm(deadline <= _state.NowMs ? _state.NowMs + 1 : deadline, NowMs);
            }
        }

        // Nobody will answer a rebalance callback any more: let it go.
        _assignment?.Abandon();
        _revocation?.Open();
    }

    private void Handle(HostItem item)
    {
        if (_broken)
        {
            // The machine can no longer be trusted; only release what waits on it.
            (item as HostItem.Assignment)?.Gate.Abandon();
            (item as HostItem.Revocation)?.Gate.Open();
            return;
        }

        if (item is HostItem.TickDue)
        {
            _timer.Fired();
        }

        var nowMs = NowMs;
        if (nowMs > _state.NowMs)
        {
            Step(new GroupEvent.Tick(nowMs));
        }

        switch (item)
        {
            case HostItem.Event { Value: var e }:
                if (e is GroupEvent.WorkerStopped { Worker: var stopped })
                {
                    _workers.Remove(stopped);
                }
                else if (e is GroupEvent.WorkerExited { Worker: var exited })
                {
                    _workers.Remove(exited);
                }

                Step(e);
                break;
            case HostItem.TickDue:
                break;
            case HostItem.Assignment assignment:
                _assignment?.Abandon();
                _assignment = assignment.Gate;
                Step(assignment.Value);
                break;
            case HostItem.Revocation revocation:
                _revocation?.Open();
                _revocation = revocation.Gate;
                Step(revocation.Value);
                break;
            case HostItem.Report report:
                Report(report.Diagnostic);
                break;
            default:
                throw new InvalidOperationException($"unknown host item {item}");
        }
    }

    private void Step(GroupEvent @event)
    {
        if (_broken)
        {
            return;
        }

        var before = _state;
        Transition transition;
        try
        {
            transition = _machine.Step(before, @event);
            // The effects only: a whole-state scan after every step costs O(partitions) per ack (docs/benchmarks.md);
            // the simulator and the property tests run the full check after every step instead.
            GroupInvariants.CheckEffects(before, transition);
        }
#pragma warning disable CA1031 // A throwing machine is our bug: the consumer fails loudly instead of going on unchecked.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _broken = true;
            _assignment?.Abandon();
            _revocation?.Open();
            _onFail($"the group manager broke on {@event}: {e.Message}");
            return;
        }

        _state = transition.State;
        Volatile.Write(ref _published, _state);
        foreach (var effect in transition.Effects)
        {
            Execute(effect);
        }

        switch (@event)
        {
            case GroupEvent.Acked acked:
                ReleaseWindow(new TopicPartitionId(acked.Topic, acked.Partition));
                break;
            case GroupEvent.MessagesDelivered { Worker: var delivering } when _state.Workers.TryGetValue(delivering, out var partition):
                ReleaseWindow(partition);
                break;
        }

        if (_assignment is { } gate && gate.TryOpen(_state))
        {
            _assignment = null;
        }
    }

    private void Execute(GroupEffect effect)
    {
        switch (effect)
        {
            case GroupEffect.InvokeAssignmentReceived invoke:
                InvokeAssignmentReceived(invoke);
                break;
            case GroupEffect.InvokeAssignmentsRevoked invoke:
                _revokedCallbacks = InvokeAssignmentsRevokedAsync(_revokedCallbacks, invoke.Partitions);
                break;
            case GroupEffect.StartWorker start:
                StartWorker(start);
                break;
            case GroupEffect.StopWorker stop:
                if (_workers.TryGetValue(stop.Worker, out var worker))
                {
                    worker.RequestStop();
                }

                break;
            case GroupEffect.CommitOffsets commit:
                _committer.Enqueue(commit);
                break;
            case GroupEffect.DeadLetter letter:
                _ = WriteDeadLetterAsync(letter);
                break;
            case GroupEffect.CompleteRevocation:
                if (_revocation is { } gate)
                {
                    _revocation = null;
                    _ = OpenWhenAsync(gate, _committer.Barrier(), _revokedCallbacks);
                }

                break;
            case GroupEffect.CompleteShutdown:
                _ = CompleteShutdownAsync(_committer.Barrier());
                break;
            case GroupEffect.Diagnostic diagnostic:
                Report(diagnostic);
                break;
            case GroupEffect.Fail fail:
                _onFail(fail.Reason);
                break;
            default:
                throw new InvalidOperationException($"unknown effect {effect}");
        }
    }

    /// <summary>Writes the message the partition's last worker crashed on (it kept it, <see cref="CrashEvidence"/>) to the
    /// dead-letter destination, elsewhere, and reports how that went.</summary>
    private Task WriteDeadLetterAsync(GroupEffect.DeadLetter letter)
    {
        var message = _env.Evidence.Poison(letter.Partition, letter.Offset);
        return _env.Scheduler.Run(async () =>
        {
            GroupEvent result;
            try
            {
                if (message is null || _deadLetters is null)
                {
                    throw new InvalidOperationException(message is null ? $"the message at {letter.Offset} is no longer held" : "no dead-letter writer is configured");
                }

                await _deadLetters.WriteAsync(new DeadLetterMessage(_env.Group, message, letter.Reason), _env.Abort);
                result = new GroupEvent.DeadLetterWritten(letter.Partition, letter.Offset);
            }
            catch (OperationCanceledException) when (_env.Abort.IsCancellationRequested)
            {
                return; // Torn down: nobody waits for the answer.
            }
#pragma warning disable CA1031 // Whatever the destination throws is a failed write, tried again after a backoff.
            catch (Exception e)
#pragma warning restore CA1031
            {
                result = new GroupEvent.DeadLetterFailed(letter.Partition, letter.Offset, $"{e.GetType().Name}: {e.Message}");
            }

            Post(result);
        });
    }

    private void StartWorker(GroupEffect.StartWorker start)
    {
        var worker = new PartitionWorker(_env, start.Worker, start.Partition, start.GenerationId, start.Position);
        _workers[start.Worker] = worker;
        var assigned = _assignment is { } gate && gate.Awaits(start.Partition);
        if (assigned)
        {
            // Just assigned: the assignment callback resolves the position and hands it to the client, which fetches there.
            _assignment!.RecordStart(worker);
        }

        // Otherwise a restart within the assignment: the worker resolves its position and seeks.
        worker.Start(assigned);
    }

    /// <summary>Frees the partition's prefetch window up to what the group manager holds as acked, as Elsa's manager acks
    /// brod's consumer: after an ack (the handler's own, or a later <c>Ack</c> call after <c>no_ack</c>) and after a
    /// delivery, since a restarted worker may fetch again what a late ack of its predecessor already covers (seed 17024:
    /// its handler's partial acks below that ack were refused as not ahead, and the full window never resumed). This
    /// loop is the only place the window is freed for acks, so an ack the machine refuses (past what was delivered,
    /// stale) frees nothing it did not already hold as acked.</summary>
    private void ReleaseWindow(TopicPartitionId partition)
    {
        if (_state.Partitions.TryGetValue(partition, out var now) && now.LastAckedOffset is { } offset &&
            now.Worker is { } live && _workers.TryGetValue(live, out var worker))
        {
            worker.Window.Release(offset);
        }
    }

    private void InvokeAssignmentReceived(GroupEffect.InvokeAssignmentReceived invoke)
    {
        if (Config.AssignmentReceivedHandler is not { } handler)
        {
            // Elsa's default handler returns :ok.
            Post(new GroupEvent.AssignmentHandlerReturned(invoke.Partition, invoke.GenerationId, CallbackOutcome.Ok));
            return;
        }

        // Off the loop: user code may take its time, and the loop must keep taking acks meanwhile.
        _ = _env.Scheduler.Run(async () =>
        {
            CallbackOutcome outcome;
            try
            {
                outcome = await handler(Config.Group, invoke.Partition, invoke.GenerationId, _env.Abort);
            }
#pragma warning disable CA1031 // Elsa treats a crashing callback like {:error, reason}: the manager fails.
            catch (Exception e)
#pragma warning restore CA1031
            {
                _logger.CallbackThrew(e, "assignment_received_handler");
                outcome = CallbackOutcome.Failed($"{e.GetType().Name}: {e.Message}");
            }

            Post(new GroupEvent.AssignmentHandlerReturned(invoke.Partition, invoke.GenerationId, outcome));
        });
    }

    private async Task InvokeAssignmentsRevokedAsync(Task previous, IReadOnlyList<TopicPartitionId> partitions)
    {
        await previous;
        if (Config.AssignmentsRevokedHandler is not { } handler)
        {
            return;
        }

        try
        {
            await _env.Scheduler.Run(async () => await handler(partitions, _env.Abort));
        }
#pragma warning disable CA1031 // Elsa ignores what the revoked handler does; a crash is logged and the rebalance goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            _logger.CallbackThrew(e, "assignments_revoked_handler");
        }
    }

    // Awaits each in turn rather than Task.WhenAll: see TaskRace for why the host composes its tasks with await.
    private static async Task OpenWhenAsync(RevocationGate gate, Task commitsAnswered, Task revokedCallbacks)
    {
        try
        {
            await commitsAnswered;
            await revokedCallbacks;
        }
        finally
        {
            gate.Open();
        }
    }

    private async Task CompleteShutdownAsync(Task finalCommit)
    {
        await finalCommit;
        _shutdownCompleted.TrySetResult();
    }

    private void Report(GroupEffect.Diagnostic diagnostic)
    {
        _metrics.Diagnostic(diagnostic);
        _logger.Diagnostic(LevelOf(diagnostic.Kind), diagnostic.Kind, diagnostic.Detail);
        _onDiagnostic(diagnostic);
    }

    private static LogLevel LevelOf(DiagnosticKind kind) => kind switch
    {
        DiagnosticKind.PartitionParked => LogLevel.Error,
        DiagnosticKind.StaleAck or DiagnosticKind.InvalidAck or DiagnosticKind.CommitRetry or DiagnosticKind.CommitFenced
            or DiagnosticKind.WorkerCrashed or DiagnosticKind.OffsetOutOfRange or DiagnosticKind.OffsetReset or DiagnosticKind.InvalidAssignment
            or DiagnosticKind.UnexpectedPosition
            or DiagnosticKind.UnknownPartition or DiagnosticKind.TimeWentBackwards => LogLevel.Warning,
        _ => LogLevel.Debug,
    };
}
