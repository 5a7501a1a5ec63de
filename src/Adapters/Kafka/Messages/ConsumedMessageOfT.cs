using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Messages;

/// <summary>One message as a typed handler sees it: <see cref="ConsumedMessage"/> with its key and value deserialized.</summary>
/// <typeparam name="TKey">The key's type.</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The message's offset.</param>
/// <param name="TimestampMs">The message's timestamp, in Unix milliseconds.</param>
/// <param name="Key">The deserialized key.</param>
/// <param name="Value">The deserialized value.</param>
/// <param name="GenerationId">The generation the consuming worker belongs to.</param>
public sealed record ConsumedMessage<TKey, TValue>(
    string Topic, int Partition, long Offset, long TimestampMs, TKey Key, TValue Value, int GenerationId)
{
    /// <summary>The message's headers, in the producer's order; empty when it has none.</summary>
    public IReadOnlyList<MessageHeader> Headers { get; init; } = [];
}
