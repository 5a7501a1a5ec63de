namespace Elsa.Sim.Hosting.Threading;

/// <summary>Waiting for time to pass through the host's <see cref="TimeProvider"/> only: a timer it creates and a source
/// the host owns, so virtual clocks (the simulator's, a test's) drive every wait, and Coyote sees the completion as one
/// of the host's own.</summary>
internal static class Delays
{
    /// <summary>Completes once <paramref name="delay"/> has passed on <paramref name="time"/>, or at once when
    /// <paramref name="cancellationToken"/> fires (completing, not cancelling: callers race it against other work).</summary>
    public static Task After(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken = default) =>
        new Wait(time, delay, cancellationToken, cancels: false).Task;

    /// <summary><c>Task.Delay(delay, time, cancellationToken)</c>, which Coyote does not control: completes once
    /// <paramref name="delay"/> has passed on <paramref name="time"/>, or is cancelled when <paramref name="cancellationToken"/>
    /// fires first (the simulated world's latencies, under both of its schedulers).</summary>
    public static Task Cancellable(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken)
        : delay == TimeSpan.Zero ? Task.CompletedTask
        : new Wait(time, delay, cancellationToken, cancels: true).Task;

    /// <summary>True when <paramref name="task"/> completes within <paramref name="timeout"/> on <paramref name="time"/>.</summary>
    public static async Task<bool> Within(Task task, TimeSpan timeout, TimeProvider time)
    {
        if (task.IsCompleted)
        {
            return true;
        }

        using var stop = new CancellationTokenSource();
        var first = await TaskRace.FirstAsync(task, After(time, timeout, stop.Token));
        stop.Cancel();
        return first == task;
    }

    /// <summary>One wait: its timer and its cancellation registration go as soon as it completes.</summary>
    private sealed class Wait : TaskCompletionSource
    {
        private readonly ITimer _timer;
        private readonly CancellationTokenRegistration _registration;
        private readonly CancellationToken _cancellationToken;
        private readonly bool _cancels;

        public Wait(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken, bool cancels)
            : base(TaskCreationOptions.RunContinuationsAsynchronously)
        {
            (_cancellationToken, _cancels) = (cancellationToken, cancels);
            _timer = time.CreateTimer(static state => ((Wait)state!).Complete(), this, delay, Timeout.InfiniteTimeSpan);
            _registration = cancellationToken.Register(static state => ((Wait)state!).Cancelled(), this);
            if (Task.IsCompleted)
            {
                Release();
            }
        }

        private void Complete()
        {
            // The timer may fire before the constructor assigned it; the constructor then releases both.
            if (TrySetResult() && _timer is not null)
            {
                Release();
            }
        }

        private void Cancelled()
        {
            if (!_cancels)
            {
                Complete();
            }
            else if (TrySetCanceled(_cancellationToken) && _timer is not null)
            {
                Release();
            }
        }

        private void Release()
        {
            _timer.Dispose();
            _registration.Dispose();
        }
    }
}
