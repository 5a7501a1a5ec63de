namespace Elsa.Sim.Simulation;

/// <summary>Virtual time and the queue of what happens next. One thread, no clock: an action runs at its time, in the order
/// it was scheduled among actions of the same time, so a run is a pure function of its seed.</summary>
internal sealed class Timeline
{
    private readonly PriorityQueue<Action, (long TimeMs, long Sequence)> _queue = new();
    private long _sequence;

    /// <summary>The current virtual time.</summary>
    public long NowMs { get; private set; }

    /// <summary>How many actions have run.</summary>
    public long ActionsRun { get; private set; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="timeMs"/> (or now, if that has passed).</summary>
    public void At(long timeMs, Action action) => _queue.Enqueue(action, (Math.Max(timeMs, NowMs), _sequence++));

    /// <summary>Runs <paramref name="action"/> after <paramref name="delayMs"/>.</summary>
    public void After(long delayMs, Action action) => At(NowMs + delayMs, action);

    /// <summary>Runs the next action if it is due at or before <paramref name="untilMs"/>; false when none is.</summary>
    public bool RunNext(long untilMs)
    {
        if (!_queue.TryPeek(out var action, out var when) || when.TimeMs > untilMs)
        {
            return false;
        }

        _queue.Dequeue();
        NowMs = when.TimeMs;
        ActionsRun++;
        action();
        return true;
    }
}
