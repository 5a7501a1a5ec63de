namespace Elsa.Sim.Core;

/// <summary>Thrown by a handler to say one message of its batch cannot be handled — a poison message — and how far the
/// messages before it were. The worker crashes as for any exception (the group manager restarts it per its restart
/// budget, then applies <see cref="RestartConfig.WhenExhausted"/>), but first acks <see cref="HandledThroughOffset"/>, so
/// the restart begins at the poison message itself: the messages before it are not handled again, and the restarts and
/// the exhausted policy fall on the message that fails. Elsa.Sim.Kafka's typed handlers throw it when a key or value does
/// not deserialize.</summary>
public class PoisonMessageException : Exception
{
    /// <summary>A poison message at <paramref name="offset"/>.</summary>
    /// <param name="offset">The poison message's offset.</param>
    /// <param name="handledThroughOffset">The last offset before it that was handled and may be acked (Elsa's convention:
    /// the message's own offset), or null when nothing before it is to be acked.</param>
    /// <param name="message">What is wrong with the message.</param>
    /// <param name="innerException">Why it could not be handled, if an exception says so.</param>
    public PoisonMessageException(long offset, long? handledThroughOffset, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (handledThroughOffset is { } through && (through < 0 || through >= offset))
        {
            throw new ArgumentOutOfRangeException(nameof(handledThroughOffset), through, $"must be an offset below the poison message's, {offset}");
        }

        Offset = offset;
        HandledThroughOffset = handledThroughOffset;
    }

    /// <summary>The poison message's offset.</summary>
    public long Offset { get; }

    /// <summary>The last offset before the poison message to ack, or null.</summary>
    public long? HandledThroughOffset { get; }
}
