using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Simulation;

/// <summary>The shape of a simulated run. Everything not fixed here is drawn from the seed.</summary>
public sealed record SimulationOptions
{
    /// <summary>Every fault kind.</summary>
    public static IReadOnlyList<FaultKind> AllFaults { get; } = Enum.GetValues<FaultKind>();

    /// <summary>Members in the group. Default 3.</summary>
    public int Members { get; init; } = 3;

    /// <summary>Topics the group consumes. Default 2.</summary>
    public int Topics { get; init; } = 2;

    /// <summary>Partitions per topic. Default 6.</summary>
    public int PartitionsPerTopic { get; init; } = 6;

    /// <summary>How long producers produce and faults fire, in virtual ms. Default 60 000.</summary>
    public long FaultWindowMs { get; init; } = 60_000;

    /// <summary>How long after the fault window the group has to own and drain every partition (the liveness bound), in
    /// virtual ms. Default 60 000.</summary>
    public long QuietWindowMs { get; init; } = 60_000;

    /// <summary>The fault kinds seeds may enable. Default all.</summary>
    public IReadOnlyList<FaultKind> Faults { get; init; } = AllFaults;

    /// <summary>The rebalance protocol, or null to draw one per seed. Default null.</summary>
    public RebalanceProtocol? Protocol { get; init; }

    /// <summary>The consumer configuration to fix instead of drawing it per seed. Default: nothing pinned.</summary>
    public ConfigurationPins Pins { get; init; } = ConfigurationPins.None;

    /// <summary>The most messages a partition receives per virtual second (each seed draws its own rate up to this).
    /// Default 20.</summary>
    public int MaxMessagesPerSecond { get; init; } = 20;

    /// <summary>A scripted workload: when set, each partition receives exactly this many messages at the first produce
    /// tick (100 virtual ms) and nothing after, instead of the seed's random producer. Default null (random producer).
    /// </summary>
    public int? MessagesPerPartition { get; init; }

    /// <summary>With <see cref="MessagesPerPartition"/>: when that workload is appended, in virtual ms. Default 100.</summary>
    public long ScriptedProduceAtMs { get; init; } = 100;

    /// <summary>Messages already in each partition when the run begins (appended at virtual 0, before any member
    /// starts), which <c>begin_offset</c> latest skips. Default null: none.</summary>
    public int? MessagesBeforeStart { get; init; }

    /// <summary>The coordinator's session timeout. Default 10 000 ms.</summary>
    public long SessionTimeoutMs { get; init; } = 10_000;

    /// <summary>How often members heartbeat. Default 3 000 ms.</summary>
    public long HeartbeatIntervalMs { get; init; } = 3_000;

    /// <summary>A name for the machine the members run, written into traces ("core" for the real one).</summary>
    public string MachineName { get; init; } = "core";

    /// <summary>Builds the machine each member runs from its configuration. Default: the real <see cref="GroupMachine"/>.
    /// Tests pass wrappers that plant known bugs.</summary>
    public Func<GroupConfig, IGroupMachine> MachineFactory { get; init; } = config => new GroupMachine(config);

    /// <summary>Wraps each member's client port (the simulated cluster's <see cref="IConsumerPort"/>), as a test that plants
    /// a bug of a host between it and its client does. Default null: the host talks to the client directly.</summary>
    public Func<IConsumerPort, IConsumerPort>? PortWrapper { get; init; }

    /// <summary>Your own handler, which every worker then runs instead of the simulator's handler model, or null for the
    /// model. Default null. (Elsa.Sim.Testing's handler test kit sets it.)</summary>
    public UserHandler? UserHandler { get; init; }

    /// <summary>The topics a run consumes: <c>topic-0</c>, <c>topic-1</c>, ….</summary>
    internal IReadOnlyList<string> TopicNames() =>
        [.. Enumerable.Range(0, Topics).Select(t => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"topic-{t}"))];

    /// <summary>Every partition of a run, in <see cref="TopicPartitionId"/> order: a fault's partition index points into this.</summary>
    internal IReadOnlyList<TopicPartitionId> TopicPartitions() =>
        [.. TopicNames().SelectMany(t => Enumerable.Range(0, PartitionsPerTopic).Select(p => new TopicPartitionId(t, p))).Order()];

    /// <summary>Every problem with these options; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Members is < 1 or > 50)
        {
            problems.Add($"members must be between 1 and 50 (was {Members})");
        }

        if (Topics is < 1 or > 20)
        {
            problems.Add($"topics must be between 1 and 20 (was {Topics})");
        }

        if (PartitionsPerTopic is < 1 or > 256)
        {
            problems.Add($"partitions must be between 1 and 256 per topic (was {PartitionsPerTopic})");
        }

        if (FaultWindowMs is < 1_000 or > 3_600_000)
        {
            problems.Add($"the fault window must be between 1 000 and 3 600 000 ms (was {FaultWindowMs})");
        }

        if (QuietWindowMs is < 1_000 or > 3_600_000)
        {
            problems.Add($"the quiet window must be between 1 000 and 3 600 000 ms (was {QuietWindowMs})");
        }

        if (MaxMessagesPerSecond is < 1 or > 10_000)
        {
            problems.Add($"max messages per second must be between 1 and 10 000 (was {MaxMessagesPerSecond})");
        }

        if (MessagesPerPartition is < 0 or > 1_000_000)
        {
            problems.Add($"messages per partition must be between 0 and 1 000 000 when set (was {MessagesPerPartition})");
        }

        if (MessagesBeforeStart is < 0 or > 1_000_000)
        {
            problems.Add($"messages before start must be between 0 and 1 000 000 when set (was {MessagesBeforeStart})");
        }

        if (ScriptedProduceAtMs < 0 || ScriptedProduceAtMs >= FaultWindowMs)
        {
            problems.Add($"the scripted workload must be produced inside the fault window, at 0 to {FaultWindowMs - 1} ms (was {ScriptedProduceAtMs})");
        }

        if (SessionTimeoutMs < 1_000 || HeartbeatIntervalMs < 100 || HeartbeatIntervalMs * 2 > SessionTimeoutMs)
        {
            problems.Add($"session timeout ({SessionTimeoutMs} ms) must be at least 1 000 ms and twice the heartbeat interval ({HeartbeatIntervalMs} ms, at least 100)");
        }

        if (Faults is null || Faults.Any(f => !Enum.IsDefined(f)))
        {
            problems.Add("faults must name only known fault kinds");
        }

        if (Pins is null)
        {
            problems.Add("pins must not be null (use ConfigurationPins.None)");
        }
        else
        {
            problems.AddRange(Pins.Problems());
        }

        if (MachineFactory is null)
        {
            problems.Add("machine factory must not be null");
        }

        if (UserHandler is { } user && (user.Create is null || user.Content is null || string.IsNullOrEmpty(user.Name)))
        {
            problems.Add("a user handler needs a Create, a Content and a Name");
        }

        return problems;
    }

    /// <summary>Throws one <see cref="InvalidConfigurationException"/> naming every problem, if there are any.</summary>
    public void EnsureValid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new InvalidConfigurationException(problems);
        }
    }
}
