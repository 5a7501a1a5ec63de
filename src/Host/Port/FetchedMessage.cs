using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Port;

/// <summary>One message as the port returns it: what a worker needs and nothing of the client library's types.</summary>
/// <param name="Partition">Where it came from.</param>
/// <param name="Offset">Its offset.</param>
/// <param name="TimestampMs">Its timestamp, in Unix milliseconds.</param>
/// <param name="Key">The key, or empty.</param>
/// <param name="Value">The value, or empty.</param>
public sealed record FetchedMessage(TopicPartitionId Partition, long Offset, long TimestampMs, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)
{
    /// <summary>What the message weighs against <c>prefetch_bytes</c>: key plus value.</summary>
    public long SizeBytes => (long)Key.Length + Value.Length;

    /// <summary>The message's headers, in the producer's order; empty when it has none.</summary>
    public IReadOnlyList<MessageHeader> Headers { get; init; } = [];
}
