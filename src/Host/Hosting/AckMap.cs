using System.Globalization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting;

/// <summary>Reads Elsa's <c>ack/2</c> map (<c>%{topic:, partition:, generation_id:, offset:}</c>) into an
/// <see cref="GroupEvent.Acked"/>, naming every problem when it cannot. Extra keys are allowed, as an Elixir map pattern
/// allows them.</summary>
internal static class AckMap
{
    public const string Topic = "topic";
    public const string Partition = "partition";
    public const string GenerationId = "generation_id";
    public const string Offset = "offset";

    /// <summary>The ack, or null with every problem in <paramref name="problems"/>.</summary>
    public static GroupEvent.Acked? Read(IReadOnlyDictionary<string, object?> map, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        string? topic = null;
        if (!map.TryGetValue(Topic, out var topicValue))
        {
            found.Add($"{Topic} is missing");
        }
        else if (topicValue is string text && text.Length > 0)
        {
            topic = text;
        }
        else
        {
            found.Add($"{Topic} must be a non-empty string (was {Describe(topicValue)})");
        }

        var partition = ReadInteger(map, Partition, int.MinValue, int.MaxValue, found);
        var generation = ReadInteger(map, GenerationId, int.MinValue, int.MaxValue, found);
        var offset = ReadInteger(map, Offset, long.MinValue, long.MaxValue, found);
        problems = found;
        return found.Count == 0
            ? new GroupEvent.Acked(topic!, checked((int)partition!.Value), checked((int)generation!.Value), offset!.Value)
            : null;
    }

    private static long? ReadInteger(IReadOnlyDictionary<string, object?> map, string key, long min, long max, List<string> problems)
    {
        if (!map.TryGetValue(key, out var value))
        {
            problems.Add($"{key} is missing");
            return null;
        }

        // Any integral type, as long as the value fits; never a float or a string that looks like a number.
        decimal? number = value switch
        {
            sbyte v => v,
            byte v => v,
            short v => v,
            ushort v => v,
            int v => v,
            uint v => v,
            long v => v,
            ulong v => v,
            _ => null,
        };
        if (number is null)
        {
            problems.Add($"{key} must be an integer (was {Describe(value)})");
            return null;
        }

        if (number < min || number > max)
        {
            problems.Add($"{key} must be between {min} and {max} (was {number})");
            return null;
        }

        return (long)number.Value;
    }

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"string \"{s}\"",
        _ => $"{value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}",
    };
}
