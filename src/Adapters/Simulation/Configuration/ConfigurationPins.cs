using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The consumer configuration a run fixes instead of drawing it from the seed (swarm testing draws each of these
/// per seed; explore's flags pin any of them). Null means drawn.</summary>
public sealed record ConfigurationPins
{
    /// <summary>No pins: everything drawn.</summary>
    public static ConfigurationPins None { get; } = new();

    /// <summary><c>begin_offset</c>: earliest, latest or an explicit offset.</summary>
    public StartPosition? BeginOffset { get; init; }

    /// <summary><c>offset_reset_policy</c>.</summary>
    public OffsetResetPolicy? OffsetResetPolicy { get; init; }

    /// <summary><c>direct_ack</c>.</summary>
    public bool? DirectAck { get; init; }

    /// <summary>The commit interval.</summary>
    public long? CommitIntervalMs { get; init; }

    /// <summary><c>prefetch_count</c>.</summary>
    public int? PrefetchCount { get; init; }

    /// <summary><c>prefetch_bytes</c>.</summary>
    public int? PrefetchBytes { get; init; }

    /// <summary>The restart budget: restarts a partition may spend within the restart window.</summary>
    public int? MaxRestarts { get; init; }

    /// <summary>What happens when the restart budget is spent.</summary>
    public RestartExhaustedPolicy? WhenExhausted { get; init; }

    /// <summary>Static membership (<c>group.instance.id</c>, KIP-345) for every member.</summary>
    public bool? StaticMembership { get; init; }

    /// <summary>Every problem with the pinned values; empty when valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (CommitIntervalMs is < 1)
        {
            yield return $"the commit interval must be at least 1 ms (was {CommitIntervalMs})";
        }

        if (PrefetchCount is < 0)
        {
            yield return $"prefetch_count must be at least 0 (was {PrefetchCount})";
        }

        if (PrefetchBytes is < 0)
        {
            yield return $"prefetch_bytes must be at least 0 (was {PrefetchBytes})";
        }

        if (MaxRestarts is < 0)
        {
            yield return $"max_restarts must be at least 0 (was {MaxRestarts})";
        }

        if (OffsetResetPolicy is { } policy && !Enum.IsDefined(policy))
        {
            yield return $"offset_reset_policy {(int)policy} is not known";
        }

        if (WhenExhausted is { } exhausted && !Enum.IsDefined(exhausted))
        {
            yield return $"when_exhausted {(int)exhausted} is not known";
        }
    }
}
