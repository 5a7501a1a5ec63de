namespace Elsa.Sim.Hosting;

/// <summary>Wakes the loop at the machine's next deadline (<see cref="Core.GroupState.NextDeadlineMs"/>) through the
/// injected <see cref="TimeProvider"/>: one timer, re-armed after every step, never a polling sleep.</summary>
internal sealed class DeadlineTimer : IDisposable
{
    private readonly ITimer _timer;
    private long? _armedMs;

    public DeadlineTimer(TimeProvider time, Action due) =>
        _timer = time.CreateTimer(_ => due(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>Arms the timer for <paramref name="deadlineMs"/> (loop thread); null disarms it. Re-arming for the same
    /// deadline does nothing, so a stream of events does not keep pushing the tick back.</summary>
    public void Arm(long? deadlineMs, long nowMs)
    {
        if (deadlineMs == _armedMs)
        {
            return;
        }

        _armedMs = deadlineMs;
        var due = deadlineMs is { } at ? TimeSpan.FromMilliseconds(Math.Max(0, at - nowMs)) : Timeout.InfiniteTimeSpan;
        _timer.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The armed deadline fired (loop thread): the next <see cref="Arm"/> arms afresh.</summary>
    public void Fired() => _armedMs = null;

    public void Dispose() => _timer.Dispose();
}
