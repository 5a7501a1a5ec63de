using Elsa.Sim.Hosting.Threading;

namespace Elsa.Sim.Simulation;

/// <summary>One member incarnation's host on the simulator's clock: every task the host starts (through the
/// <see cref="IHostScheduler"/> seam) and every continuation of those tasks is an entry at the current virtual time, run
/// in scheduling order on the simulator's one thread. Tasks are never inlined, so the order does not depend on who
/// happened to wait; and once the incarnation's lifetime ended (the process crashed), its queued tasks are dropped, as a
/// dead process's threads are.</summary>
internal sealed class SimScheduler(SimClock clock, Lifetime lifetime, Action<string> onEscape) : TaskScheduler, IHostScheduler, IClockCallback
{
    private readonly int _thread = Environment.CurrentManagedThreadId;

    public Task Run(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    public Task RunConsumeLoop(Func<Task> loop) => Run(loop);

    protected override void QueueTask(Task task)
    {
        if (Environment.CurrentManagedThreadId != _thread)
        {
            // Work queued from another thread would race the clock: the run is no longer a function of its seed. The task
            // is dropped, and the run fails saying why.
            onEscape($"a task was queued from thread {Environment.CurrentManagedThreadId}, not the simulator's: a handler used Task.Run, ConfigureAwait(false), a real timer or real I/O");
            return;
        }

        if (!lifetime.Ended)
        {
            clock.Soon(this, task, 0, lifetime);
        }
    }

    /// <summary>A queued task comes due.</summary>
    void IClockCallback.Run(object? state, long argument) => TryExecuteTask((Task)state!);

    // Never inline: the clock's order is the only order.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) => false;

    protected override IEnumerable<Task>? GetScheduledTasks() => null;
}
