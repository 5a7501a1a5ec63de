namespace Elsa.Sim.Core;

/// <summary>One header of a Kafka message, as the producer wrote it (a key may repeat; the order is the producer's).</summary>
/// <param name="Key">The header's name.</param>
/// <param name="Value">Its value, or empty.</param>
public readonly record struct MessageHeader(string Key, ReadOnlyMemory<byte> Value);
