namespace Elsa.Sim.Simulation;

/// <summary>Virtual time and the queue of what happens next. One thread, no clock: an action runs at its time, in the order
/// it was scheduled among actions of the same time, so a run is a pure function of its seed.</summary>
internal sealed class Timeline
{
    private readonly PriorityQueue<Scheduled, (long TimeMs, long Sequence)> _queue = new();
    private long _sequence;

    /// <summary>The current virtual time.</summary>
    public long NowMs { get; private set; }

    /// <summary>How many actions have come due (an action dropped because its owner was reset counts too).</summary>
    public long ActionsRun { get; private set; }

    /// <summary>Runs <paramref name="action"/> at <paramref name="timeMs"/> (or now, if that has passed).</summary>
    public void At(long timeMs, Action action) => Enqueue(timeMs, new Scheduled(action, null, 0));

    /// <summary>Runs <paramref name="action"/> after <paramref name="delayMs"/>.</summary>
    public void After(long delayMs, Action action) => At(NowMs + delayMs, action);

    /// <summary>Runs <paramref name="action"/> after <paramref name="delayMs"/> unless <paramref name="owner"/> was reset in
    /// between (a crashed member's pending work dies with it); with no owner, always. The guard lives in the queue entry
    /// rather than in a wrapping closure: a run schedules millions of actions, and the wrapper was a quarter of what a run
    /// allocated.</summary>
    public void After(long delayMs, Action action, IIncarnated? owner) =>
        Enqueue(NowMs + delayMs, new Scheduled(action, owner, owner?.Incarnation ?? 0));

    /// <summary>Runs the next action if it is due at or before <paramref name="untilMs"/>; false when none is.</summary>
    public bool RunNext(long untilMs)
    {
        if (!_queue.TryPeek(out var next, out var when) || when.TimeMs > untilMs)
        {
            return false;
        }

        _queue.Dequeue();
        NowMs = when.TimeMs;
        ActionsRun++;
        if (next.Owner is null || next.Owner.Incarnation == next.Incarnation)
        {
            next.Action();
        }

        return true;
    }

    private void Enqueue(long timeMs, Scheduled scheduled) => _queue.Enqueue(scheduled, (Math.Max(timeMs, NowMs), _sequence++));

    private readonly record struct Scheduled(Action Action, IIncarnated? Owner, int Incarnation);
}
