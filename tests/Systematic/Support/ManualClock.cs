namespace Elsa.Sim.Systematic.Tests.Support;

/// <summary>Virtual time for the host: it moves only when a scenario calls <see cref="Advance"/>, and timers fire on the
/// advancing task. No real timer exists, so nothing runs outside Coyote's control.</summary>
internal sealed class ManualClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _nowTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _nowTicks;
        }
    }

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(GetTimestamp());

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (_gate)
        {
            _timers.Add(timer);
        }

        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves time forward and runs, on this task, every timer that came due.</summary>
    public void Advance(TimeSpan by)
    {
        List<ManualTimer> due;
        lock (_gate)
        {
            _nowTicks += by.Ticks;
            due = _timers.Where(t => t.DueTicks <= _nowTicks).ToList();
            foreach (var timer in due)
            {
                timer.Rearm(_nowTicks);
            }
        }

        foreach (var timer in due)
        {
            timer.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        private long _periodTicks = -1;

        // Guarded by the clock's lock.
        public long DueTicks { get; private set; } = long.MaxValue;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._gate)
            {
                DueTicks = dueTime == Timeout.InfiniteTimeSpan ? long.MaxValue : clock._nowTicks + dueTime.Ticks;
                _periodTicks = period == Timeout.InfiniteTimeSpan ? -1 : period.Ticks;
            }

            return true;
        }

        public void Rearm(long nowTicks) => DueTicks = _periodTicks > 0 ? nowTicks + _periodTicks : long.MaxValue;

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (clock._gate)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
