using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Messages;

/// <summary>A message's key or value did not deserialize: a poison message, which crashes its worker as a handler's
/// exception would (after acking what the handler handled before it), so the restart budget and
/// <see cref="RestartConfig.WhenExhausted"/> apply to it.</summary>
public sealed class MessageDeserializationException : PoisonMessageException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The raw message that failed.</param>
    /// <param name="component">Which part failed: <c>key</c> or <c>value</c>.</param>
    /// <param name="handledThroughOffset">The last offset before it that the handler handled and acked, or null.</param>
    /// <param name="innerException">The deserializer's exception.</param>
    public MessageDeserializationException(ConsumedMessage message, string component, long? handledThroughOffset, Exception innerException)
        : base(OffsetOf(message), handledThroughOffset, Describe(message, component, innerException), innerException)
    {
        Topic = message.Topic;
        Partition = message.Partition;
        Component = component;
    }

    /// <summary>The poison message's topic.</summary>
    public string Topic { get; }

    /// <summary>The poison message's partition.</summary>
    public int Partition { get; }

    /// <summary>Which part did not deserialize: <c>key</c> or <c>value</c>.</summary>
    public string Component { get; }

    private static long OffsetOf(ConsumedMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Offset;
    }

    private static string Describe(ConsumedMessage message, string component, Exception innerException)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(innerException);
        return $"the {component} of {message.Topic}/{message.Partition} at offset {message.Offset} did not deserialize: "
            + $"{innerException.GetType().Name}: {innerException.Message}";
    }
}
