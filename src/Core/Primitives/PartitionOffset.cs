namespace Elsa.Sim.Core;

/// <summary>An offset to commit for a partition, in <b>Kafka's convention</b>: the offset of the next message to read,
/// which is one past the last message handled. An ack (<see cref="GroupEvent.Acked"/>) carries Elsa's convention, the
/// offset of the last message handled; the machine converts once, when it builds a commit.</summary>
public readonly record struct PartitionOffset(TopicPartitionId Partition, long NextOffset)
{
    /// <inheritdoc />
    public override string ToString() => $"{Partition}@{NextOffset}";
}
