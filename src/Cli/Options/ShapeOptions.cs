using System.CommandLine;
using System.CommandLine.Parsing;
using Elsa.Sim.Simulation;

namespace Elsa.Sim.Cli.Options;

/// <summary>The options that shape a run (group size, topics, fault window, faults, protocol), shared by the commands
/// that run seeds from the command line. Defaults are the simulator's own.</summary>
internal sealed class ShapeOptions
{
    private static readonly SimulationOptions Defaults = new();

    public Option<int> Members { get; } = WholeNumberOption.Create("--members", "Members in the consumer group.", Defaults.Members);

    public Option<int> Topics { get; } = WholeNumberOption.Create("--topics", "Topics the group consumes.", Defaults.Topics);

    public Option<int> Partitions { get; } = WholeNumberOption.Create("--partitions", "Partitions per topic.", Defaults.PartitionsPerTopic);

    public Option<long> DurationMs { get; } = WholeNumberOption.Create(
        "--duration-ms",
        $"The fault window in virtual ms: producers produce and faults fire during it. The quiet window after it (the liveness bound, {Defaults.QuietWindowMs} ms) stays as it is.",
        Defaults.FaultWindowMs);

    public Option<string> Faults { get; } = new("--faults")
    {
        Description = $"Fault kinds seeds may enable: a comma list of names, case-insensitive ({string.Join(", ", Enum.GetNames<FaultKind>())}), or '{FaultNames.All}' or '{FaultNames.None}'.",
        DefaultValueFactory = _ => FaultNames.All,
        HelpName = "list",
    };

    public Option<string?> Protocol { get; } = new("--protocol")
    {
        Description = "The group protocol: classic eager, classic cooperative (cooperative-sticky) or KIP-848's consumer. Default: each seed draws one.",
        HelpName = "eager|cooperative|consumer",
    };

    /// <summary>The consumer settings a run pins instead of drawing them per seed.</summary>
    public PinOptions Pins { get; } = new();

    private IEnumerable<Option> All => [Members, Topics, Partitions, DurationMs, Faults, Protocol, .. Pins.All];

    /// <summary>Adds every shape option to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Add(option);
        }
    }

    /// <summary>The shape options written on the command line (not defaulted).</summary>
    public IEnumerable<string> Given(ParseResult parse) =>
        All.Where(option => parse.GetResult(option) is OptionResult { Implicit: false }).Select(option => option.Name);

    /// <summary>The simulation options the command line asks for; every problem with them is added to
    /// <paramref name="problems"/>.</summary>
    public SimulationOptions Read(ParseResult parse, ICollection<string> problems)
    {
        var faults = FaultNames.Parse(parse.GetValue(Faults) ?? FaultNames.All, problems);
        var options = new SimulationOptions
        {
            Members = parse.GetValue(Members),
            Topics = parse.GetValue(Topics),
            PartitionsPerTopic = parse.GetValue(Partitions),
            FaultWindowMs = parse.GetValue(DurationMs),
            Faults = faults ?? SimulationOptions.AllFaults,
            Protocol = ReadProtocol(parse.GetValue(Protocol), problems),
            Pins = Pins.Read(parse, problems),
        };
        foreach (var problem in options.Validate())
        {
            problems.Add(problem);
        }

        return options;
    }

    private static RebalanceProtocol? ReadProtocol(string? text, ICollection<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        foreach (var protocol in Enum.GetValues<RebalanceProtocol>())
        {
            if (protocol.ToString().Equals(text, StringComparison.OrdinalIgnoreCase))
            {
                return protocol;
            }
        }

        problems.Add($"--protocol: unknown protocol '{text}' (use {string.Join(", ", Enum.GetNames<RebalanceProtocol>().Select(n => n.ToLowerInvariant()))})");
        return null;
    }
}
