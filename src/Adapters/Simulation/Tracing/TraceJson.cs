using System.Text.Json.Serialization;

namespace Elsa.Sim.Simulation;

/// <summary>The trace's JSON, generated at build time (System.Text.Json source generation): camelCase names, enums as
/// their names, nulls left out, a start position as its text.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(StartPositionJsonConverter)])]
[JsonSerializable(typeof(TraceHeader))]
[JsonSerializable(typeof(TraceRecord))]
[JsonSerializable(typeof(ExplorationSummary))]
internal sealed partial class TraceJson : JsonSerializerContext
{
}
