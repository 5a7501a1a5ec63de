using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What a run (or a sum of runs) did: steps, virtual time, messages, faults fired, diagnostics.</summary>
public sealed class SimulationStats
{
    private readonly long[] _faultsFired = new long[Enum.GetValues<FaultKind>().Length];
    private readonly long[] _diagnostics = new long[Enum.GetValues<DiagnosticKind>().Length];
    private readonly SortedDictionary<string, long> _settingsDrawn = new(StringComparer.Ordinal);

    /// <summary>Runs summed in.</summary>
    public long Runs { get; internal set; }

    /// <summary>Machine steps (events applied to a member's machine).</summary>
    public long Steps { get; internal set; }

    /// <summary>Simulated events of every kind (timeline actions: network messages, fetches, handler completions,
    /// timers, faults and machine steps' causes).</summary>
    public long Events { get; internal set; }

    /// <summary>Virtual time simulated.</summary>
    public long SimulatedMs { get; internal set; }

    /// <summary>Messages producers appended.</summary>
    public long MessagesProduced { get; internal set; }

    /// <summary>Handler invocations per message, duplicates included.</summary>
    public long MessagesHandled { get; internal set; }

    /// <summary>Handlings of a message beyond its first.</summary>
    public long Duplicates { get; internal set; }

    /// <summary>Messages written to the dead-letter destination (the dead-letter policy), retries not counted twice.</summary>
    public long DeadLettered { get; internal set; }

    /// <summary>Messages never handled though still in the log at the end.</summary>
    public long Lost { get; internal set; }

    /// <summary>Messages retention deleted before anyone handled them (excused, not lost).</summary>
    public long Expired { get; internal set; }

    /// <summary>Messages an offset reset skipped by policy (excused, not lost).</summary>
    public long SkippedByReset { get; internal set; }

    /// <summary>Partitions left parked at the end because their restart budget was really spent under the park policy
    /// (excused from liveness: the configuration chose to give up on them).</summary>
    public long PartitionsParked { get; internal set; }

    /// <summary>Partitions still behind their high watermark at the end but progressing (a slow configuration or load, not
    /// a stuck group): checked up to their committed offset.</summary>
    public long PartitionsBehind { get; internal set; }

    /// <summary>How many runs drew each configuration setting, as <c>name=value</c> (<see cref="Scenario.Settings"/>).</summary>
    public IReadOnlyDictionary<string, long> SettingsDrawn => _settingsDrawn;

    /// <summary>Times a member's machine failed (restart budget spent) and its supervisor restarted it.</summary>
    public long MemberFailures { get; internal set; }

    /// <summary>How often each fault kind fired.</summary>
    public long FaultsFired(FaultKind kind) => _faultsFired[(int)kind];

    /// <summary>How often the machines emitted each diagnostic kind.</summary>
    public long Diagnostics(DiagnosticKind kind) => _diagnostics[(int)kind];

    internal void CountFault(FaultKind kind) => _faultsFired[(int)kind]++;

    internal void CountDiagnostic(DiagnosticKind kind) => _diagnostics[(int)kind]++;

    internal void CountSettings(IEnumerable<string> settings)
    {
        foreach (var setting in settings)
        {
            _settingsDrawn[setting] = _settingsDrawn.GetValueOrDefault(setting) + 1;
        }
    }

    /// <summary>Every figure by name: the counts above in camelCase (<c>runs</c>, <c>steps</c> …), <c>fault.{kind}</c>,
    /// <c>diagnostic.{kind}</c> and <c>drawn.{setting}</c>, zeros left out. What an exploration's JSON summary stores, and
    /// what the summaries of shards add up to.</summary>
    internal SortedDictionary<string, long> Figures()
    {
        var figures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, get, _) in Counts)
        {
            Put(figures, name, get(this));
        }

        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            Put(figures, $"fault.{kind}", FaultsFired(kind));
        }

        foreach (var kind in Enum.GetValues<DiagnosticKind>())
        {
            Put(figures, $"diagnostic.{kind}", Diagnostics(kind));
        }

        foreach (var (setting, count) in _settingsDrawn)
        {
            Put(figures, $"drawn.{setting}", count);
        }

        return figures;
    }

    /// <summary>The figures <see cref="Figures"/> wrote.</summary>
    /// <exception cref="InvalidDataException">When a name is none of those figures.</exception>
    internal static SimulationStats FromFigures(IReadOnlyDictionary<string, long> figures)
    {
        var stats = new SimulationStats();
        var unknown = new List<string>();
        foreach (var (name, value) in figures)
        {
            if (Counts.FirstOrDefault(c => c.Name == name) is { Set: { } set })
            {
                set(stats, value);
            }
            else if (name.StartsWith("fault.", StringComparison.Ordinal) && Enum.TryParse<FaultKind>(name[6..], out var fault))
            {
                stats._faultsFired[(int)fault] = value;
            }
            else if (name.StartsWith("diagnostic.", StringComparison.Ordinal) && Enum.TryParse<DiagnosticKind>(name[11..], out var diagnostic))
            {
                stats._diagnostics[(int)diagnostic] = value;
            }
            else if (name.StartsWith("drawn.", StringComparison.Ordinal))
            {
                stats._settingsDrawn[name[6..]] = value;
            }
            else
            {
                unknown.Add(name);
            }
        }

        return unknown.Count == 0 ? stats : throw new InvalidDataException($"unknown figures: {string.Join(", ", unknown)}");
    }

    // The plain counts, by the name the figures give them.
    private static readonly (string Name, Func<SimulationStats, long> Get, Action<SimulationStats, long> Set)[] Counts =
    [
        ("runs", s => s.Runs, (s, v) => s.Runs = v),
        ("steps", s => s.Steps, (s, v) => s.Steps = v),
        ("events", s => s.Events, (s, v) => s.Events = v),
        ("simulatedMs", s => s.SimulatedMs, (s, v) => s.SimulatedMs = v),
        ("messagesProduced", s => s.MessagesProduced, (s, v) => s.MessagesProduced = v),
        ("messagesHandled", s => s.MessagesHandled, (s, v) => s.MessagesHandled = v),
        ("duplicates", s => s.Duplicates, (s, v) => s.Duplicates = v),
        ("deadLettered", s => s.DeadLettered, (s, v) => s.DeadLettered = v),
        ("lost", s => s.Lost, (s, v) => s.Lost = v),
        ("expired", s => s.Expired, (s, v) => s.Expired = v),
        ("skippedByReset", s => s.SkippedByReset, (s, v) => s.SkippedByReset = v),
        ("partitionsParked", s => s.PartitionsParked, (s, v) => s.PartitionsParked = v),
        ("partitionsBehind", s => s.PartitionsBehind, (s, v) => s.PartitionsBehind = v),
        ("memberFailures", s => s.MemberFailures, (s, v) => s.MemberFailures = v),
    ];

    private static void Put(SortedDictionary<string, long> figures, string name, long value)
    {
        if (value != 0)
        {
            figures[name] = value;
        }
    }

    /// <summary>Adds another run's figures to these.</summary>
    public void Add(SimulationStats other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Runs += other.Runs;
        Steps += other.Steps;
        Events += other.Events;
        SimulatedMs += other.SimulatedMs;
        MessagesProduced += other.MessagesProduced;
        MessagesHandled += other.MessagesHandled;
        Duplicates += other.Duplicates;
        DeadLettered += other.DeadLettered;
        Lost += other.Lost;
        Expired += other.Expired;
        SkippedByReset += other.SkippedByReset;
        PartitionsParked += other.PartitionsParked;
        PartitionsBehind += other.PartitionsBehind;
        foreach (var (setting, count) in other._settingsDrawn)
        {
            _settingsDrawn[setting] = _settingsDrawn.GetValueOrDefault(setting) + count;
        }

        MemberFailures += other.MemberFailures;
        for (var i = 0; i < _faultsFired.Length; i++)
        {
            _faultsFired[i] += other._faultsFired[i];
        }

        for (var i = 0; i < _diagnostics.Length; i++)
        {
            _diagnostics[i] += other._diagnostics[i];
        }
    }
}
