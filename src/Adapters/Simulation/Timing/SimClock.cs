namespace Elsa.Sim.Simulation;

/// <summary>Virtual time and the queue of what happens next, as a <see cref="TimeProvider"/>: the hosts' timers, the
/// cluster's network and timeouts, and (through <see cref="SimScheduler"/>) every task of every host are entries in one
/// queue, run in (time, scheduling order). Nothing reads the wall clock, so a run is a function of its seed.</summary>
/// <remarks>Two drivers: explore runs entries one at a time on its own thread (<see cref="RunNext"/>); a systematic test
/// advances the clock in rounds (<see cref="Advance"/>) while Coyote schedules the hosts' tasks. Neither runs two things
/// at once (Coyote runs one controlled operation at a time), so nothing here is locked: a lock would only add a
/// scheduling point to every timer and network message.</remarks>
internal sealed class SimClock : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly PriorityQueue<Entry, (long TimeMs, long Sequence)> _queue = new();
    private long _sequence;
    private long _nowMs;

    /// <summary>The current virtual time.</summary>
    public long NowMs => _nowMs;

    /// <summary>How many entries have come due (an entry dropped because its owner ended counts too).</summary>
    public long EntriesRun { get; private set; }

    /// <inheritdoc />
    public override long TimestampFrequency => 1_000;

    /// <inheritdoc />
    public override long GetTimestamp() => NowMs;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => Epoch.AddMilliseconds(NowMs);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new SimTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Runs <paramref name="action"/> at <paramref name="timeMs"/> (or now, if that has passed).</summary>
    public void At(long timeMs, Action action) => Enqueue(timeMs, new Entry(action, null, null, 0, null));

    /// <summary>Runs <paramref name="action"/> after <paramref name="delayMs"/>, unless <paramref name="owner"/> ended in
    /// between (a crashed member's pending work dies with it); with no owner, always.</summary>
    public void After(long delayMs, Action action, Lifetime? owner = null) =>
        Enqueue(Saturate(_nowMs, delayMs), new Entry(action, null, null, 0, owner));

    /// <summary>Runs <paramref name="callback"/> with <paramref name="state"/> and <paramref name="argument"/> now, after
    /// what is already due, unless <paramref name="owner"/> ended in between. The hot path (every task continuation of
    /// every host): it allocates no delegate.</summary>
    public void Soon(IClockCallback callback, object? state, long argument, Lifetime? owner) =>
        Enqueue(_nowMs, new Entry(null, callback, state, argument, owner));

    /// <summary>Runs the next entry if it is due at or before <paramref name="untilMs"/>; false when none is.</summary>
    public bool RunNext(long untilMs)
    {
        if (!_queue.TryPeek(out var next, out var when) || when.TimeMs > untilMs)
        {
            return false;
        }

        _queue.Dequeue();
        _nowMs = when.TimeMs;

        EntriesRun++;
        if (next.Owner is not { Ended: true })
        {
            if (next.Action is { } action)
            {
                action();
            }
            else
            {
                next.Callback!.Run(next.State, next.Argument);
            }
        }

        return true;
    }

    /// <summary>Lets <paramref name="delay"/> pass: runs every entry due by then, in order (a systematic test's round).</summary>
    public void Advance(TimeSpan delay)
    {
        var until = Saturate(_nowMs, (long)delay.TotalMilliseconds);
        while (RunNext(until))
        {
        }

        _nowMs = Math.Max(_nowMs, until);
    }

    private void Enqueue(long timeMs, Entry entry) => _queue.Enqueue(entry, (Math.Max(timeMs, _nowMs), _sequence++));

    private static long Saturate(long nowMs, long delayMs) => delayMs >= long.MaxValue - nowMs ? long.MaxValue : nowMs + delayMs;

    /// <summary>One queued action (a delegate, or a callback with its state and argument), owned by a member's
    /// incarnation or not.</summary>
    private readonly record struct Entry(Action? Action, IClockCallback? Callback, object? State, long Argument, Lifetime? Owner);

    /// <summary>A timer on virtual time: each <see cref="Change"/> queues a new firing and voids the ones before it.</summary>
    private sealed class SimTimer(SimClock clock, TimerCallback callback, object? state) : ITimer, IClockCallback
    {
            private long _generation;
        private long _periodMs;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (_disposed)
            {
                return false;
            }

            var generation = ++_generation;
            _periodMs = period == Timeout.InfiniteTimeSpan ? -1 : Math.Max(1, (long)period.TotalMilliseconds);

            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                var dueMs = Math.Max(0, (long)dueTime.TotalMilliseconds);
                clock.EnqueueTimer(dueMs, this, generation);
            }

            return true;
        }

        public void Dispose()
        {
            _disposed = true;
            _generation++;
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }

        /// <summary>Fires if <paramref name="generation"/> is still this timer's latest firing.</summary>
        void IClockCallback.Run(object? unused, long generation)
        {
            if (_disposed || generation != _generation)
            {
                return;
            }

            if (_periodMs > 0)
            {
                clock.EnqueueTimer(_periodMs, this, generation);
            }

            callback(state);
        }
    }

    private void EnqueueTimer(long dueMs, SimTimer timer, long generation) =>
        Enqueue(Saturate(_nowMs, dueMs), new Entry(null, timer, null, generation, null));
}

/// <summary>Something the clock runs with a state and an argument, without a delegate per entry.</summary>
internal interface IClockCallback
{
    /// <summary>Runs with what was queued.</summary>
    void Run(object? state, long argument);
}
