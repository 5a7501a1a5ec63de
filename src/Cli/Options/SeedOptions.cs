using System.CommandLine;
using System.CommandLine.Parsing;

namespace Elsa.Sim.Cli.Options;

/// <summary>The options that choose the seeds <c>explore</c> runs.</summary>
internal sealed class SeedOptions
{
    public Option<int> Seeds { get; } = new("--seeds")
    {
        Description = "How many seeds to explore.",
        DefaultValueFactory = _ => SeedRange.DefaultCount,
    };

    public Option<ulong?> Seed { get; } = new("--seed")
    {
        Description = "Run exactly this seed (not with --seeds or --first-seed).",
    };

    public Option<ulong> FirstSeed { get; } = new("--first-seed")
    {
        Description = "The first seed explored.",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>Adds the seed options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Add(Seeds);
        command.Add(Seed);
        command.Add(FirstSeed);
    }

    /// <summary>The seeds the command line asks for; every problem is added to <paramref name="problems"/>.</summary>
    public SeedRange Read(ParseResult parse, ICollection<string> problems)
    {
        var count = parse.GetValue(Seeds);
        var first = parse.GetValue(FirstSeed);
        if (parse.GetValue(Seed) is { } seed)
        {
            if (Given(parse, Seeds) && count != 1)
            {
                problems.Add($"--seed runs exactly one seed; it cannot be combined with --seeds {count}");
            }

            if (Given(parse, FirstSeed))
            {
                problems.Add("--seed names the seed to run; it cannot be combined with --first-seed");
            }

            return new SeedRange(seed, 1, Single: true);
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

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is OptionResult { Implicit: false };
}
