using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Confluent.Kafka;

namespace Elsa.Sim.Kafka.Messages;

/// <summary>A Confluent.Kafka <see cref="IDeserializer{T}"/> that reads UTF-8 JSON with System.Text.Json. A missing
/// (null) key or value, or the JSON literal <c>null</c>, deserializes to <c>default</c>; anything that is not JSON of
/// <typeparamref name="T"/>'s shape throws, which a <see cref="MessageHandler{TKey,TValue}"/> turns into a poison
/// message.</summary>
/// <typeparam name="T">The type to read.</typeparam>
public sealed class JsonDeserializer<T> : IDeserializer<T>
{
    private readonly JsonTypeInfo<T> _typeInfo;

    /// <summary>A deserializer with <see cref="JsonSerializerOptions.Web"/>'s options: camelCase and case-insensitive
    /// names, as ASP.NET Core reads JSON.</summary>
    public JsonDeserializer()
        : this(JsonSerializerOptions.Web)
    {
    }

    /// <summary>A deserializer with <paramref name="options"/>.</summary>
    /// <param name="options">The serializer's options; copied, so later edits do not affect this deserializer.</param>
    public JsonDeserializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new JsonSerializerOptions(options);
        copy.MakeReadOnly(populateMissingResolver: true);
        _typeInfo = (JsonTypeInfo<T>)copy.GetTypeInfo(typeof(T));
    }

    /// <summary>A deserializer with source-generated metadata (a <c>JsonSerializerContext</c>'s property), for trimmed and
    /// native AOT applications.</summary>
    /// <param name="typeInfo">The metadata of <typeparamref name="T"/>.</param>
    public JsonDeserializer(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        _typeInfo = typeInfo;
    }

    /// <inheritdoc />
    public T Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) =>
        isNull ? default! : JsonSerializer.Deserialize(data, _typeInfo)!;
}
