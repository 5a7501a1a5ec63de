using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Port;

/// <summary>A partition's fetch position is outside its log (retention deleted what it pointed at, or the log was
/// truncated below it). The client does not reset the position by itself: it stops fetching the partition until the next
/// <see cref="IConsumerPort.Seek"/>, and the group manager applies <c>offset_reset_policy</c>. Not fatal.</summary>
public sealed class OffsetOutOfRangeException : ConsumerPortException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="partition">The partition whose position is out of range.</param>
    /// <param name="offset">The position the broker refused, or negative when the client did not say.</param>
    /// <param name="innerException">The client's own error, if any.</param>
    public OffsetOutOfRangeException(TopicPartitionId partition, long offset, Exception? innerException = null)
        : base($"{partition}'s position {offset} is out of range", isFatal: false, innerException)
    {
        Partition = partition;
        Offset = offset;
    }

    /// <summary>The partition whose position is out of range.</summary>
    public TopicPartitionId Partition { get; }

    /// <summary>The position the broker refused, or negative when the client did not say.</summary>
    public long Offset { get; }
}
