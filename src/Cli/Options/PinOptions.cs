using System.CommandLine;
using System.CommandLine.Parsing;
using Elsa.Sim.Core;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Cli.Options;

/// <summary>The options that pin a consumer setting every seed would otherwise draw for itself (swarm testing draws the
/// configuration per seed: begin_offset, offset_reset_policy, direct_ack, commit interval, prefetch, restart budget and
/// policy, static or dynamic membership; <c>--protocol</c> pins the rebalance protocol).</summary>
internal sealed class PinOptions
{
    public Option<string?> BeginOffset { get; } = new("--begin-offset")
    {
        Description = "Pin begin_offset. Default: each seed draws earliest, latest or an explicit offset.",
        HelpName = "earliest|latest|offset",
    };

    public Option<string?> ResetPolicy { get; } = new("--reset-policy")
    {
        Description = "Pin offset_reset_policy. Default: drawn per seed.",
        HelpName = "earliest|latest",
    };

    public Option<string?> DirectAck { get; } = new("--direct-ack")
    {
        Description = "Pin direct_ack. Default: drawn per seed.",
        HelpName = "on|off",
    };

    public Option<long?> CommitIntervalMs { get; } = new("--commit-interval-ms")
    {
        Description = "Pin the commit interval, in ms. Default: drawn per seed (1,000 to 5,000).",
    };

    public Option<int?> PrefetchCount { get; } = new("--prefetch-count")
    {
        Description = "Pin prefetch_count. Default: drawn per seed.",
    };

    public Option<int?> PrefetchBytes { get; } = new("--prefetch-bytes")
    {
        Description = "Pin prefetch_bytes. Default: drawn per seed.",
    };

    public Option<int?> MaxRestarts { get; } = new("--max-restarts")
    {
        Description = "Pin the restart budget (restarts a partition may spend within the restart window). Default: drawn per seed.",
    };

    public Option<string?> WhenExhausted { get; } = new("--when-exhausted")
    {
        Description = "Pin what happens when the restart budget is spent. Default: drawn per seed.",
        HelpName = "fail|park|dead-letter",
    };

    public Option<string?> Membership { get; } = new("--membership")
    {
        Description = "Pin the members' kind: static (each has a group.instance.id, kept across restarts) or dynamic. Default: drawn per seed.",
        HelpName = "static|dynamic",
    };

    public IEnumerable<Option> All => [BeginOffset, ResetPolicy, DirectAck, CommitIntervalMs, PrefetchCount, PrefetchBytes, MaxRestarts, WhenExhausted, Membership];

    /// <summary>The pins the command line asks for; every problem is added to <paramref name="problems"/>.</summary>
    public ConfigurationPins Read(ParseResult parse, ICollection<string> problems) => new()
    {
        BeginOffset = parse.GetValue(BeginOffset) is { } begin
            ? StartPosition.TryParse(begin, out var position) ? position : Problem<StartPosition>(problems, $"--begin-offset: '{begin}' is not earliest, latest or an offset of 0 or more")
            : null,
        OffsetResetPolicy = parse.GetValue(ResetPolicy) switch
        {
            null => null,
            { } text when ResetPolicyText.TryParse(text, out var policy) => policy,
            { } text => Problem<OffsetResetPolicy>(problems, $"--reset-policy: '{text}' is not earliest or latest"),
        },
        DirectAck = parse.GetValue(DirectAck) switch
        {
            null => null,
            { } text when text.Equals("on", StringComparison.OrdinalIgnoreCase) => true,
            { } text when text.Equals("off", StringComparison.OrdinalIgnoreCase) => false,
            { } text => Problem<bool>(problems, $"--direct-ack: '{text}' is not on or off"),
        },
        CommitIntervalMs = parse.GetValue(CommitIntervalMs),
        PrefetchCount = parse.GetValue(PrefetchCount),
        PrefetchBytes = parse.GetValue(PrefetchBytes),
        MaxRestarts = parse.GetValue(MaxRestarts),
        WhenExhausted = parse.GetValue(WhenExhausted) switch
        {
            null => null,
            { } text when text.Equals("fail", StringComparison.OrdinalIgnoreCase) => RestartExhaustedPolicy.FailGroup,
            { } text when text.Equals("park", StringComparison.OrdinalIgnoreCase) => RestartExhaustedPolicy.ParkPartition,
            { } text when text.Equals("dead-letter", StringComparison.OrdinalIgnoreCase) => RestartExhaustedPolicy.DeadLetter,
            { } text => Problem<RestartExhaustedPolicy>(problems, $"--when-exhausted: '{text}' is not fail, park or dead-letter"),
        },
        StaticMembership = parse.GetValue(Membership) switch
        {
            null => null,
            { } text when text.Equals("static", StringComparison.OrdinalIgnoreCase) => true,
            { } text when text.Equals("dynamic", StringComparison.OrdinalIgnoreCase) => false,
            { } text => Problem<bool>(problems, $"--membership: '{text}' is not static or dynamic"),
        },
    };

    /// <summary>One line for the banner: what is pinned, or that everything is drawn.</summary>
    public static string Describe(ConfigurationPins pins)
    {
        var pinned = new List<string>();
        Add(pinned, "begin_offset", pins.BeginOffset?.ToString());
        Add(pinned, "offset_reset_policy", pins.OffsetResetPolicy is { } p ? (p == OffsetResetPolicy.ResetToEarliest ? "earliest" : "latest") : null);
        Add(pinned, "direct_ack", pins.DirectAck is { } d ? (d ? "on" : "off") : null);
        Add(pinned, "commit_interval_ms", pins.CommitIntervalMs?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(pinned, "prefetch_count", pins.PrefetchCount?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(pinned, "prefetch_bytes", pins.PrefetchBytes?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(pinned, "max_restarts", pins.MaxRestarts?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(pinned, "when_exhausted", pins.WhenExhausted is { } w ? Scenario.PolicyName(w) : null);
        Add(pinned, "membership", pins.StaticMembership is { } m ? (m ? "static" : "dynamic") : null);
        return pinned.Count == 0 ? "config=drawn from each seed" : $"config=drawn from each seed except {string.Join(" ", pinned)}";
    }

    private static void Add(List<string> pinned, string name, string? value)
    {
        if (value is not null)
        {
            pinned.Add($"{name}={value}");
        }
    }

    private static T? Problem<T>(ICollection<string> problems, string problem) where T : struct
    {
        problems.Add(problem);
        return null;
    }
}
