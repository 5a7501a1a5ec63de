namespace Elsa.Sim.Simulation;

/// <summary>The faults of one run: which kinds the seed enabled (swarm testing) and the concrete schedule drawn from it.
/// A plan is data, so a shrunk plan can be replayed on its own.</summary>
/// <param name="Enabled">The fault kinds this seed enabled.</param>
/// <param name="Schedule">Every fault, in time order.</param>
public sealed record FaultPlan(IReadOnlyList<FaultKind> Enabled, IReadOnlyList<Fault> Schedule)
{
    /// <summary>A plan with no faults.</summary>
    public static FaultPlan None { get; } = new([], []);

    /// <summary>Draws a plan from a seed: each allowed kind is enabled with probability one half (at least one is), each
    /// enabled kind gets its own rate, and faults fall uniformly in the fault window, leaving room for each to end before
    /// the window does.</summary>
    public static FaultPlan Draw(ulong seed, SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rng = SimRandom.Stream(seed, 0xFA17);
        var allowed = options.Faults.Count == 0 ? [] : options.Faults.Distinct().Order().ToArray();
        var enabled = allowed.Where(_ => rng.Chance(0.5)).ToList();
        if (enabled.Count == 0 && allowed.Length > 0)
        {
            enabled.Add(allowed[rng.Next(allowed.Length)]);
        }

        var partitions = options.Topics * options.PartitionsPerTopic;
        var lastStartMs = Math.Max(1, options.FaultWindowMs - MaxFaultLengthMs);
        var schedule = new List<Fault>();
        foreach (var kind in enabled)
        {
            // Between 1 and MaxFaultsPerKind occurrences of this kind in the window.
            var count = 1 + rng.Next(MaxFaultsPerKind);
            for (var i = 0; i < count; i++)
            {
                schedule.Add(new Fault(rng.Between(1, lastStartMs), kind, rng.Next(options.Members), rng.Next(partitions), Magnitude(kind, options, rng)));
            }
        }

        return new FaultPlan(enabled, [.. schedule.OrderBy(f => f.AtMs).ThenBy(f => f.Kind)]);
    }

    /// <summary>The longest any fault lasts, so the last one ends inside the fault window.</summary>
    internal const long MaxFaultLengthMs = 20_000;

    private const int MaxFaultsPerKind = 6;

    private static long Magnitude(FaultKind kind, SimulationOptions options, SimRandom rng) => kind switch
    {
        FaultKind.MemberCrash or FaultKind.MemberRestart => rng.Between(500, 8_000),
        FaultKind.SessionTimeout => options.SessionTimeoutMs + rng.Between(500, 8_000),
        FaultKind.RebalanceStorm => rng.Between(2, 5),
        FaultKind.CoordinatorMove => rng.Between(200, 5_000),
        FaultKind.FetchOutOfRange => rng.Between(100, 1_000),
        FaultKind.AckDelay or FaultKind.AckDuplicate or FaultKind.AckReorder or FaultKind.CallbackDelay => rng.Between(500, 10_000),
        FaultKind.HandlerOutage => rng.Between(500, 5_000),
        FaultKind.AckBeyondDelivered => rng.Between(1, 5),
        FaultKind.PartitionsAdded => rng.Between(1, 3),
        _ => 0,
    };

    /// <summary>A copy with only the given faults (the shrinker's move).</summary>
    public FaultPlan WithSchedule(IEnumerable<Fault> schedule) => this with { Schedule = [.. schedule] };
}
