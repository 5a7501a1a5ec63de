using Confluent.Kafka;
using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Port;

/// <summary>Message headers between Confluent.Kafka's <see cref="Headers"/> and the core's <see cref="MessageHeader"/>, in
/// the producer's order, both ways.</summary>
internal static class KafkaHeaders
{
    /// <summary>A fetched message's headers, copied; empty when it has none.</summary>
    public static IReadOnlyList<MessageHeader> FromKafka(Headers? headers)
    {
        if (headers is not { Count: > 0 })
        {
            return [];
        }

        var copied = new MessageHeader[headers.Count];
        for (var i = 0; i < copied.Length; i++)
        {
            copied[i] = new MessageHeader(headers[i].Key, headers[i].GetValueBytes() ?? ReadOnlyMemory<byte>.Empty);
        }

        return copied;
    }

    /// <summary>The headers as Confluent.Kafka's, for a deserializer's context or a message to produce.</summary>
    public static Headers ToKafka(IReadOnlyList<MessageHeader> headers)
    {
        var converted = new Headers();
        foreach (var header in headers)
        {
            converted.Add(header.Key, header.Value.ToArray());
        }

        return converted;
    }
}
