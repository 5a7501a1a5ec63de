namespace Elsa.Sim.Core;

/// <summary>A partition of a topic. Ordered by topic (ordinal), then partition, so every iteration over partitions is
/// deterministic.</summary>
public readonly record struct TopicPartitionId : IComparable<TopicPartitionId>
{
    /// <summary>Creates a topic partition.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="topic"/> is null.</exception>
    public TopicPartitionId(string topic, int partition)
    {
        ArgumentNullException.ThrowIfNull(topic);
        Topic = topic;
        Partition = partition;
    }

    /// <summary>The topic's name.</summary>
    public string Topic { get; }

    /// <summary>The partition number within the topic.</summary>
    public int Partition { get; }

    /// <inheritdoc />
    public int CompareTo(TopicPartitionId other)
    {
        var byTopic = string.CompareOrdinal(Topic, other.Topic);
        return byTopic != 0 ? byTopic : Partition.CompareTo(other.Partition);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Topic}/{Partition}";
}
