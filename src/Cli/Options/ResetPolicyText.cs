using Elsa.Sim.Core;

namespace Elsa.Sim.Cli.Options;

/// <summary>How the command line spells <c>offset_reset_policy</c>: earliest or latest, in any case.</summary>
internal static class ResetPolicyText
{
    public static bool TryParse(string? text, out OffsetResetPolicy policy)
    {
        policy = text?.ToUpperInvariant() switch
        {
            "EARLIEST" => OffsetResetPolicy.ResetToEarliest,
            "LATEST" => OffsetResetPolicy.ResetToLatest,
            _ => (OffsetResetPolicy)(-1),
        };
        return Enum.IsDefined(policy);
    }
}
