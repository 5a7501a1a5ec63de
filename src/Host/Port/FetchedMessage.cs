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
    /// <summary>What a buffered message costs in managed memory beyond its key, value and headers: this record, the
    /// arrays that hold its bytes, its slots in the window's queues. Measured, not guessed: with 100 B messages every
    /// full window held about 263 B per message (WindowMemoryBenchmarks, docs/benchmarks.md).</summary>
    public const long OverheadBytes = 160;

    /// <summary>What the message weighs against <c>prefetch_bytes</c>: key, value and headers, plus
    /// <see cref="OverheadBytes"/>, so that a full window of small messages holds about <c>prefetch_bytes</c> of memory,
    /// not a multiple of it.</summary>
    public long SizeBytes => (long)Key.Length + Value.Length + HeaderBytes() + OverheadBytes;

    /// <summary>The message's headers, in the producer's order; empty when it has none.</summary>
    public IReadOnlyList<MessageHeader> Headers { get; init; } = [];

    private long HeaderBytes()
    {
        var bytes = 0L;
        foreach (var header in Headers)
        {
            bytes += (2L * header.Key.Length) + header.Value.Length;
        }

        return bytes;
    }
}
