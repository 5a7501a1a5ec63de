using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Elsa.Sim.Cli.Options;

/// <summary>The options that choose the seeds <c>explore</c> runs.</summary>
internal sealed class SeedOptions
{
    private const string SeedsForm = "a count of seeds (like 1000) or an inclusive range of seeds A..B (like 1..50)";

    public Option<string?> Seeds { get; } = new("--seeds")
    {
        Description = $"How many seeds to explore from --first-seed (default {SeedRange.DefaultCount}), or an inclusive range A..B.",
        HelpName = "count|A..B",
    };

    public Option<ulong?> Seed { get; } = WholeNumberOption.Optional<ulong>("--seed", "Run exactly this seed (not with --seeds or --first-seed).");

    public Option<ulong> FirstSeed { get; } = WholeNumberOption.Create<ulong>("--first-seed", "The first seed explored.", 1);

    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Explore only the K-th (from 1) of N equal, disjoint slices of the seeds: one of N jobs, each on a machine " +
            "of its own; elsa-sim merge adds up their --json summaries.",
        HelpName = "K/N",
    };

    /// <summary>Adds the seed options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Seeds);
        command.Add(Seed);
        command.Add(FirstSeed);
        command.Add(Shard);
    }

    /// <summary>The seeds the command line asks for; every problem is added to <paramref name="problems"/>.</summary>
    public SeedRange Read(ParseResult parse, ICollection<string> problems)
    {
        var range = ReadSeeds(parse, problems);
        return parse.GetValue(Shard) is { } shard ? ReadShard(shard, range, problems) : range;
    }

    private static SeedRange ReadShard(string text, SeedRange range, ICollection<string> problems)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || !int.TryParse(text[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var k) ||
            !int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            problems.Add($"--shard takes K/N, the K-th of N slices with K from 1 to N, like 3/8 (was '{text}')");
            return range;
        }

        if (range.Single)
        {
            problems.Add("--shard slices a range of seeds; it cannot be combined with --seed");
            return range;
        }

        if (n < 1 || k < 1 || k > n)
        {
            problems.Add($"--shard {text}: K must be from 1 to N, and N at least 1");
            return range;
        }

        if (n > range.Count)
        {
            problems.Add($"--shard {text}: {n} slices of {range.Count} seeds would leave some empty");
            return range;
        }

        return range.Slice(k, n);
    }

    private SeedRange ReadSeeds(ParseResult parse, ICollection<string> problems)
    {
        var seeds = parse.GetValue(Seeds);
        var first = parse.GetValue(FirstSeed);
        if (parse.GetValue(Seed) is { } seed)
        {
            if (seeds is not null && seeds != "1")
            {
                problems.Add($"--seed runs exactly one seed; it cannot be combined with --seeds {seeds}");
            }

            if (Given(parse, FirstSeed))
            {
                problems.Add("--seed names the seed to run; it cannot be combined with --first-seed");
            }

            return new SeedRange(seed, 1, Single: true);
        }

        if (seeds is null)
        {
            return new SeedRange(first, SeedRange.DefaultCount, Single: false);
        }

        var dots = seeds.IndexOf("..", StringComparison.Ordinal);
        return dots < 0 ? ReadCount(seeds, first, problems) : ReadRange(seeds[..dots], seeds[(dots + 2)..], parse, problems);
    }

    private static SeedRange ReadCount(string text, ulong first, ICollection<string> problems)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
        {
            problems.Add($"--seeds takes {SeedsForm} (was '{text}')");
            return new SeedRange(first, 1, Single: false);
        }

        if (count < 1)
        {
            problems.Add($"--seeds must be at least 1 (was {count})");
            return new SeedRange(first, 1, Single: false);
        }

        if (first > ulong.MaxValue - (ulong)(count - 1))
        {
            problems.Add($"--first-seed {first} with --seeds {count} runs past the largest seed, {ulong.MaxValue}");
        }

        return new SeedRange(first, count, Single: false);
    }

    private SeedRange ReadRange(string from, string to, ParseResult parse, ICollection<string> problems)
    {
        if (!ulong.TryParse(from, NumberStyles.None, CultureInfo.InvariantCulture, out var first) ||
            !ulong.TryParse(to, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
        {
            problems.Add($"--seeds takes {SeedsForm}, with seeds from 0 to {ulong.MaxValue} (was '{from}..{to}')");
            return new SeedRange(1, 1, Single: false);
        }

        if (Given(parse, FirstSeed))
        {
            problems.Add($"--seeds {first}..{last} names its first seed; it cannot be combined with --first-seed");
        }

        if (last < first)
        {
            problems.Add($"--seeds {first}..{last}: the range ends before it starts (write the smaller seed first)");
            return new SeedRange(first, 1, Single: false);
        }

        if (last - first >= int.MaxValue)
        {
            problems.Add($"--seeds {first}..{last} holds more than {int.MaxValue} seeds, the most one exploration runs");
            return new SeedRange(first, 1, Single: false);
        }

        return new SeedRange(first, checked((int)(last - first + 1)), Single: false);
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is OptionResult { Implicit: false };
}
