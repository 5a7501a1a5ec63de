namespace Elsa.Sim.Core;

/// <summary>Elsa's consumer options (the <c>config:</c> keyword list), with Elsa's defaults. Names follow Elsa's
/// (<c>min_bytes</c> is <see cref="MinBytes"/>); times carry their unit last.</summary>
public sealed record ElsaConsumerConfig
{
    /// <summary><c>min_bytes</c>: the least data a fetch waits for. Default 0.</summary>
    public int MinBytes { get; init; }

    /// <summary><c>max_bytes</c>: the most data one fetch returns. Default 1 MB.</summary>
    public int MaxBytes { get; init; } = 1_048_576;

    /// <summary><c>max_wait_time</c>: how long a fetch waits for <see cref="MinBytes"/>. Default 10 000 ms.</summary>
    public int MaxWaitTimeMs { get; init; } = 10_000;

    /// <summary><c>sleep_timeout</c>: how long to wait before fetching again after an empty fetch. Default 1 000 ms.</summary>
    public int SleepTimeoutMs { get; init; } = 1_000;

    /// <summary><c>prefetch_count</c>: messages a worker may have fetched but not yet acknowledged (brod's window); fetching
    /// pauses when both this and <see cref="PrefetchBytes"/> are exceeded. Default 10.</summary>
    public int PrefetchCount { get; init; } = 10;

    /// <summary><c>prefetch_bytes</c>: bytes a worker may have fetched but not yet acknowledged. Default 100 KB.</summary>
    public int PrefetchBytes { get; init; } = 102_400;

    /// <summary><c>begin_offset</c>: where a worker starts when nothing is committed for its partition. Default latest.</summary>
    public StartPosition BeginOffset { get; init; } = StartPosition.Latest;

    /// <summary><c>offset_reset_policy</c>: where a worker goes when its position is out of range. Default
    /// <see cref="OffsetResetPolicy.ResetToEarliest"/>.</summary>
    public OffsetResetPolicy OffsetResetPolicy { get; init; } = OffsetResetPolicy.ResetToEarliest;

    internal IEnumerable<string> Problems()
    {
        if (MinBytes < 0)
        {
            yield return $"config.min_bytes must be at least 0 (was {MinBytes})";
        }

        if (MaxBytes < 1)
        {
            yield return $"config.max_bytes must be at least 1 (was {MaxBytes})";
        }

        if (MinBytes > MaxBytes && MaxBytes >= 1)
        {
            yield return $"config.min_bytes ({MinBytes}) must not exceed config.max_bytes ({MaxBytes})";
        }

        if (MaxWaitTimeMs < 0)
        {
            yield return $"config.max_wait_time must be at least 0 ms (was {MaxWaitTimeMs})";
        }

        if (SleepTimeoutMs < 0)
        {
            yield return $"config.sleep_timeout must be at least 0 ms (was {SleepTimeoutMs})";
        }

        if (PrefetchCount < 0)
        {
            yield return $"config.prefetch_count must be at least 0 (was {PrefetchCount})";
        }

        if (PrefetchBytes < 0)
        {
            yield return $"config.prefetch_bytes must be at least 0 (was {PrefetchBytes})";
        }

        if (!Enum.IsDefined(OffsetResetPolicy))
        {
            yield return $"config.offset_reset_policy must be reset_to_earliest or reset_to_latest (was {(int)OffsetResetPolicy})";
        }
    }
}
