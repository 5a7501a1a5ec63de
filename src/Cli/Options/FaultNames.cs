using Elsa.Sim.Simulation;

namespace Elsa.Sim.Cli.Options;

/// <summary>Reads <c>--faults</c>: a comma list of fault kind names, or <c>all</c>, or <c>none</c>. Names match
/// case-insensitively and may be written with dashes or underscores (<c>member-crash</c> is <c>MemberCrash</c>).</summary>
internal static class FaultNames
{
    /// <summary>The value meaning every fault kind.</summary>
    public const string All = "all";

    /// <summary>The value meaning no faults at all.</summary>
    public const string None = "none";

    /// <summary>The fault kinds <paramref name="text"/> names, or null after adding every problem to
    /// <paramref name="problems"/>.</summary>
    public static IReadOnlyList<FaultKind>? Parse(string text, ICollection<string> problems)
    {
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
        {
            problems.Add($"--faults is empty: name fault kinds, or say '{All}' or '{None}'");
            return null;
        }

        if (names.Length == 1 && names[0].Equals(All, StringComparison.OrdinalIgnoreCase))
        {
            return SimulationOptions.AllFaults;
        }

        if (names.Length == 1 && names[0].Equals(None, StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        var kinds = new List<FaultKind>();
        var valid = true;
        foreach (var name in names)
        {
            if (name.Equals(All, StringComparison.OrdinalIgnoreCase) || name.Equals(None, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"--faults: '{name}' must stand alone, not in a list of fault kinds");
                valid = false;
            }
            else if (Find(name) is { } kind)
            {
                kinds.Add(kind);
            }
            else
            {
                problems.Add($"--faults: unknown fault kind '{name}' (known: {string.Join(", ", Enum.GetNames<FaultKind>())}, or '{All}' or '{None}')");
                valid = false;
            }
        }

        return valid ? [.. kinds.Distinct().Order()] : null;
    }

    /// <summary>How a list of fault kinds is shown: "all", "none", or the names.</summary>
    public static string Describe(IReadOnlyList<FaultKind> faults)
    {
        var distinct = faults.Distinct().Order().ToList();
        if (distinct.Count == 0)
        {
            return None;
        }

        return distinct.Count == SimulationOptions.AllFaults.Count ? $"{All} ({distinct.Count} kinds)" : string.Join(",", distinct);
    }

    private static FaultKind? Find(string name)
    {
        // Not Enum.TryParse: it also accepts numbers ("3") and would let them through as kinds.
        var wanted = name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        foreach (var kind in Enum.GetValues<FaultKind>())
        {
            if (kind.ToString().Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return kind;
            }
        }

        return null;
    }
}
