namespace Elsa.Sim.Cli.Options;

/// <summary>Which seeds <c>explore</c> runs: <c>--seeds</c> of them from <c>--first-seed</c>, or exactly one with
/// <c>--seed</c>.</summary>
/// <param name="First">The first seed.</param>
/// <param name="Count">How many seeds.</param>
/// <param name="Single">True when <c>--seed</c> asked for exactly one.</param>
internal sealed record SeedRange(ulong First, int Count, bool Single)
{
    /// <summary>With <c>--shard K/N</c>: <c>K/N</c>, and the whole range this is a slice of.</summary>
    public (string Name, SeedRange Whole)? Shard { get; init; }

    public const int DefaultCount = 1_000;

    /// <summary>The last seed.</summary>
    public ulong Last => First + (ulong)(Count - 1);

    /// <summary>TigerBeetle's style: the seed first, so any run can be repeated from its log.</summary>
    public string Describe() => Single ? $"SEED={First}" : Shard is { } shard
        ? $"SEED={First}..{Last} ({Count} seeds, shard {shard.Name} of {shard.Whole.First}..{shard.Whole.Last})"
        : $"SEED={First}..{Last} ({Count} seeds)";

    /// <summary>The <paramref name="k"/>-th (from 1) of <paramref name="n"/> contiguous, disjoint slices that together are
    /// this range, as equal as whole seeds allow.</summary>
    public SeedRange Slice(int k, int n)
    {
        var start = (long)Count * (k - 1) / n;
        var end = (long)Count * k / n;
        return new SeedRange(First + (ulong)start, (int)(end - start), Single: false) { Shard = ($"{k}/{n}", this) };
    }
}
