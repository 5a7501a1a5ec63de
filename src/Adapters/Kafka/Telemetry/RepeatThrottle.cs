namespace Elsa.Sim.Kafka.Telemetry;

/// <summary>Decides which occurrences of a repeating problem are logged: the first of each kind at once, then at most one
/// summary per interval saying how many more there were. librdkafka reports an unreachable broker on every reconnect
/// attempt (about 20 a second with its default backoff); logging each one buries everything else. Thread-safe: librdkafka
/// logs from its own threads.</summary>
internal sealed class RepeatThrottle(TimeProvider time, TimeSpan interval)
{
    /// <summary>The summary interval librdkafka's problems are logged with.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);

    private readonly object _gate = new();
    private readonly Dictionary<string, Kind> _kinds = new(StringComparer.Ordinal);
    private long _occurrences;

    /// <summary>Occurrences seen, logged or not (tests compare it with the lines written).</summary>
    public long Occurrences
    {
        get
        {
            lock (_gate)
            {
                return _occurrences;
            }
        }
    }

    /// <summary>Records one occurrence of the problem <paramref name="kind"/>, described by <paramref name="text"/>, and
    /// says whether to log it: the first of its kind, a summary of the repeats since the last line once the interval has
    /// passed, or nothing.</summary>
    public RepeatVerdict Observe(string kind, string text)
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            _occurrences++;
            if (!_kinds.TryGetValue(kind, out var seen))
            {
                _kinds[kind] = new Kind { SinceTimestamp = now, LastText = text };
                return new RepeatVerdict(RepeatVerdictKind.First, 0, TimeSpan.Zero, text);
            }

            seen.Repeats++;
            seen.LastText = text;
            var over = time.GetElapsedTime(seen.SinceTimestamp, now);
            if (over < interval)
            {
                return new RepeatVerdict(RepeatVerdictKind.Quiet, seen.Repeats, over, text);
            }

            var summary = new RepeatVerdict(RepeatVerdictKind.Summary, seen.Repeats, over, text);
            seen.Repeats = 0;
            seen.SinceTimestamp = now;
            return summary;
        }
    }

    /// <summary>A summary of each kind's repeats not summarized yet, and forgets every kind: for the last word when the
    /// client closes.</summary>
    public IReadOnlyList<(string Kind, RepeatVerdict Summary)> Drain()
    {
        var now = time.GetTimestamp();
        lock (_gate)
        {
            var pending = _kinds.Where(k => k.Value.Repeats > 0)
                .Select(k => (k.Key, new RepeatVerdict(RepeatVerdictKind.Summary, k.Value.Repeats, time.GetElapsedTime(k.Value.SinceTimestamp, now), k.Value.LastText)))
                .ToList();
            _kinds.Clear();
            return pending;
        }
    }

    private sealed class Kind
    {
        public long SinceTimestamp { get; set; }

        public long Repeats { get; set; }

        public string LastText { get; set; } = "";
    }
}

/// <summary>What <see cref="RepeatThrottle.Observe"/> decided about one occurrence.</summary>
/// <param name="Kind">Log it, summarize the repeats, or say nothing.</param>
/// <param name="Repeats">The occurrences since the kind's last line, this one included (0 for the first).</param>
/// <param name="Over">The time since the kind's last line.</param>
/// <param name="LastText">The latest occurrence's description.</param>
internal readonly record struct RepeatVerdict(RepeatVerdictKind Kind, long Repeats, TimeSpan Over, string LastText);

/// <summary>The three things <see cref="RepeatThrottle"/> can decide.</summary>
internal enum RepeatVerdictKind
{
    /// <summary>The first occurrence of its kind: log it.</summary>
    First,

    /// <summary>A repeat within the interval: say nothing.</summary>
    Quiet,

    /// <summary>A repeat after the interval: log how many repeats there were.</summary>
    Summary,
}
