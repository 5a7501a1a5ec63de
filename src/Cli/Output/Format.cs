using System.Globalization;

namespace Elsa.Sim.Cli.Output;

/// <summary>How figures read in elsa-sim's output: invariant culture, so logs compare across machines.</summary>
internal static class Format
{
    /// <summary>1234567 as "1,234,567".</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 seed", "2 seeds": a count of <paramref name="noun"/>s.</summary>
    public static string Count(long value, string noun) => $"{Count(value)} {noun}{(value == 1 ? "" : "s")}";

    /// <summary>A per-second rate of <paramref name="value"/> things over <paramref name="wall"/>.</summary>
    public static string Rate(long value, TimeSpan wall) =>
        wall > TimeSpan.Zero ? $"{(value / wall.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture)}/s" : "-";

    /// <summary>Wall-clock time, to the millisecond.</summary>
    public static string Wall(TimeSpan wall) => $"{wall.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture)} s";

    /// <summary>Virtual time: days, hours, minutes and seconds, then the exact milliseconds.</summary>
    public static string Virtual(long ms)
    {
        var span = TimeSpan.FromMilliseconds(ms);
        var parts = new List<string>();
        if (span.Days > 0)
        {
            parts.Add($"{span.Days} d");
        }

        if (span.Days > 0 || span.Hours > 0)
        {
            parts.Add($"{span.Hours} h");
        }

        if (span.TotalMinutes >= 1)
        {
            parts.Add($"{span.Minutes} min");
        }

        parts.Add($"{span.Seconds} s");
        return $"{string.Join(' ', parts)} ({Count(ms)} ms)";
    }
}
