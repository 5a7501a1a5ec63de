using System.Text.Json;
using System.Text.Json.Serialization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Writes a <see cref="StartPosition"/> as its text (<c>"earliest"</c>, <c>"latest"</c>, <c>"42"</c>) and reads
/// it back, so a trace's pinned <c>begin_offset</c> reads as it was written on the command line.</summary>
internal sealed class StartPositionJsonConverter : JsonConverter<StartPosition>
{
    public override StartPosition Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        StartPosition.TryParse(reader.GetString(), out var position)
            ? position
            : throw new JsonException($"'{reader.GetString()}' is not a start position (earliest, latest or an offset)");

    public override void Write(Utf8JsonWriter writer, StartPosition value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
