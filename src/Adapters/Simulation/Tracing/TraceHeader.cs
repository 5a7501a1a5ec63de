using System.Text.Json;
using System.Text.Json.Serialization;

namespace Elsa.Sim.Simulation;

/// <summary>The first line of a trace: everything needed to run it again.</summary>
/// <param name="Format">The trace format's name and version.</param>
/// <param name="Version">The library version that wrote it.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Machine">Which machine the members ran ("core" for the real one).</param>
/// <param name="Options">The run's shape.</param>
/// <param name="Plan">The faults the run was given.</param>
/// <param name="Configuration">The consumer configuration the seed drew (or the options pinned), one
/// <c>name=value</c> per setting (<see cref="Scenario.Settings"/>); for people: a replay draws it again from the seed.</param>
/// <param name="Handler">The <see cref="UserHandler.Name"/> of the user's handler the workers ran, or null (left out of the
/// JSON) when they ran the simulator's handler model. A trace with a user's handler cannot be run again without that
/// code.</param>
public sealed record TraceHeader(string Format, string Version, ulong Seed, string Machine, TraceOptions Options, FaultPlan Plan,
    IReadOnlyList<string> Configuration,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    string? Handler = null)
{
    /// <summary>The format this library writes. Version 2 added the <c>down</c> lines (a member process ended, its workers
    /// with it) and the header's <c>handler</c>, and names a fault's partition (<c>topic-0/3</c>) instead of its index.
    /// Version 3 added the drawn <c>configuration</c> and the options' <c>pins</c>, and the events a worker's position and
    /// an offset reset bring. Version 4 runs the shipped host and writes typed records (<see cref="TraceRecord"/>): each
    /// event and effect with its fields, faults and violations naming their member and partition.</summary>
    public const string CurrentFormat = "elsa-sim-trace/4";

    internal static TraceHeader For(ulong seed, SimulationOptions options, FaultPlan plan, Scenario scenario) =>
        new(CurrentFormat, LibraryVersion, seed, options.MachineName, TraceOptions.From(options), plan, scenario.Settings(), options.UserHandler?.Name);

    /// <summary>This library's version, as written into traces.</summary>
    public static string LibraryVersion { get; } =
        typeof(TraceHeader).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary>Reads the header from a trace file's first line.</summary>
    /// <exception cref="InvalidDataException">When the file is empty or its first line is not a trace header.</exception>
    public static TraceHeader Read(string path)
    {
        using var reader = new StreamReader(path);
        var first = reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty; a trace starts with a header line");
        TraceHeader? header;
        try
        {
            header = JsonSerializer.Deserialize(first, TraceSink.Json.TraceHeader);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}'s first line is not a trace header: {e.Message}", e);
        }

        if (header?.Format is { } format && format != CurrentFormat)
        {
            throw new InvalidDataException($"{path} is in the trace format '{format}'; this build runs only '{CurrentFormat}'");
        }

        if (header is null || header.Format != CurrentFormat || header.Options is null || header.Plan is null || header.Configuration is null)
        {
            throw new InvalidDataException($"{path}'s first line is not an {CurrentFormat} header");
        }

        return header;
    }
}

/// <summary>The serializable part of <see cref="SimulationOptions"/>. <see cref="MessagesPerPartition"/> is left out of
/// the JSON when null, so traces of runs with the random producer are unchanged.</summary>
public sealed record TraceOptions(
    int Members, int Topics, int PartitionsPerTopic, long FaultWindowMs, long QuietWindowMs, IReadOnlyList<FaultKind> Faults,
    RebalanceProtocol? Protocol, int MaxMessagesPerSecond, long SessionTimeoutMs, long HeartbeatIntervalMs, ConfigurationPins Pins,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    int? MessagesPerPartition = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    long? ScriptedProduceAtMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    int? MessagesBeforeStart = null)
{
    internal static TraceOptions From(SimulationOptions o) =>
        new(o.Members, o.Topics, o.PartitionsPerTopic, o.FaultWindowMs, o.QuietWindowMs, o.Faults, o.Protocol, o.MaxMessagesPerSecond, o.SessionTimeoutMs, o.HeartbeatIntervalMs,
            o.Pins, o.MessagesPerPartition, o.MessagesPerPartition is null ? null : o.ScriptedProduceAtMs, o.MessagesBeforeStart);

    /// <summary>Options with these values (and the real machine unless <paramref name="baseOptions"/> says otherwise).</summary>
    public SimulationOptions ToOptions(SimulationOptions? baseOptions = null) => (baseOptions ?? new SimulationOptions()) with
    {
        Members = Members,
        Topics = Topics,
        PartitionsPerTopic = PartitionsPerTopic,
        FaultWindowMs = FaultWindowMs,
        QuietWindowMs = QuietWindowMs,
        Faults = Faults,
        Protocol = Protocol,
        MaxMessagesPerSecond = MaxMessagesPerSecond,
        SessionTimeoutMs = SessionTimeoutMs,
        HeartbeatIntervalMs = HeartbeatIntervalMs,
        Pins = Pins ?? ConfigurationPins.None,
        MessagesPerPartition = MessagesPerPartition,
        ScriptedProduceAtMs = ScriptedProduceAtMs ?? 100,
        MessagesBeforeStart = MessagesBeforeStart,
    };
}
