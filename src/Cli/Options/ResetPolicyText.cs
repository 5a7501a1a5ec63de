using Elsa.Sim.Core;

namespace Elsa.Sim.Cli.Options;

/// <summary>How the command line spells <c>offset_reset_policy</c>: earliest or latest, in any case.</summary>
internal static class ResetPolicyText
{
    public static bool TryParse(string? text, out OffsetResetPolicy policy)
    {
        var earliest = string.Equals(text, "earliest", StringComparison.OrdinalIgnoreCase);
        policy = earliest ? OffsetResetPolicy.ResetToEarliest : OffsetResetPolicy.ResetToLatest;
        return earliest || string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase);
    }
}
