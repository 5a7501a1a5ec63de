namespace Elsa.Sim.Cli.Options;

/// <summary>Which seeds <c>explore</c> runs: <c>--seeds</c> of them from <c>--first-seed</c>, or exactly one with
/// <c>--seed</c>.</summary>
/// <param name="First">The first seed.</param>
/// <param name="Count">How many seeds.</param>
/// <param name="Single">True when <c>--seed</c> asked for exactly one.</param>
internal sealed record SeedRange(ulong First, int Count, bool Single)
{
    public const int DefaultCount = 1_000;

    /// <summary>The last seed.</summary>
    public ulong Last => First + (ulong)(Count - 1);

    /// <summary>TigerBeetle's style: the seed first, so any run can be repeated from its log.</summary>
    public string Describe() => Single ? $"SEED={First}" : $"SEED={First}..{Last} ({Count} seeds)";
}
