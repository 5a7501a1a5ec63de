namespace Elsa.Sim.Core;

/// <summary>How crashed workers are restarted: after an exponential backoff, at most <see cref="MaxRestarts"/> times in
/// any <see cref="WithinMs"/> window (OTP's restart intensity and period), then per <see cref="WhenExhausted"/>.</summary>
public sealed record RestartConfig
{
    /// <summary>Delay before the first restart after a crash; doubles with each restart in the window. Default 100 ms.</summary>
    public long BackoffMs { get; init; } = 100;

    /// <summary>The longest delay between a crash and its restart. Default 10 000 ms.</summary>
    public long MaxBackoffMs { get; init; } = 10_000;

    /// <summary>Restarts a partition may spend within <see cref="WithinMs"/>. Default 3 (OTP's default intensity).</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>The window the budget is counted in. Default 5 000 ms (OTP's default period).</summary>
    public long WithinMs { get; init; } = 5_000;

    /// <summary>What to do when the budget is spent. Default <see cref="RestartExhaustedPolicy.FailGroup"/>.</summary>
    public RestartExhaustedPolicy WhenExhausted { get; init; } = RestartExhaustedPolicy.FailGroup;

    internal IEnumerable<string> Problems()
    {
        if (BackoffMs < 0)
        {
            yield return $"restart.backoff must be at least 0 ms (was {BackoffMs})";
        }

        if (MaxBackoffMs < BackoffMs)
        {
            yield return $"restart.max_backoff ({MaxBackoffMs} ms) must be at least restart.backoff ({BackoffMs} ms)";
        }

        if (MaxRestarts < 0)
        {
            yield return $"restart.max_restarts must be at least 0 (was {MaxRestarts})";
        }

        if (WithinMs < 1)
        {
            yield return $"restart.within must be at least 1 ms (was {WithinMs})";
        }

        if (!Enum.IsDefined(WhenExhausted))
        {
            yield return $"restart.when_exhausted must be fail_group, park_partition or dead_letter (was {(int)WhenExhausted})";
        }
    }
}
