using System.Text.Json;

namespace Elsa.Sim.Cli.Traces;

/// <summary>Tells a whole trace file from a damaged one before anything runs it: a run writes one complete JSON record per
/// line and ends with its verdict line, so a file cut short (a crash, a full disk, a partial copy) or edited by hand shows
/// as a line that is not a record, or as a last line that is not the verdict. Without this check a truncated trace replays
/// to another hash and reads as non-determinism.</summary>
internal static class TraceIntegrity
{
    /// <summary>Why the trace at <paramref name="path"/> is not whole, naming the file and the line; null when it is.</summary>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    public static string? Damage(string path)
    {
        var number = 0;
        var endsWithVerdict = false;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (!IsRecord(line, out endsWithVerdict))
            {
                return $"trace file '{path}' is truncated or corrupt: line {number} is not a complete trace record";
            }
        }

        if (number == 0)
        {
            return $"trace file '{path}' is empty; a trace starts with a header line";
        }

        return endsWithVerdict ? null : $"trace file '{path}' is truncated: it ends at line {number} without the verdict line every trace ends with";
    }

    private static bool IsRecord(string line, out bool isVerdict)
    {
        isVerdict = false;
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            isVerdict = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("verdict", out _);
            return root.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            // The parser's own words (byte positions, expected tokens) would not help: the line number says where.
            return false;
        }
    }
}
