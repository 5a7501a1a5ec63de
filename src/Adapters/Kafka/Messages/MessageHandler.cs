using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Port;

namespace Elsa.Sim.Kafka.Messages;

/// <summary>A handler over typed messages: derive from it, pass Confluent.Kafka deserializers for the key and the value to
/// the constructor (<see cref="Deserializers.Utf8"/>, <see cref="JsonDeserializer{T}"/>, a schema registry's), and
/// implement <see cref="HandleAsync"/>. It is an <see cref="IMessageHandler"/> like any other: register it by type, and
/// the simulator and the handler kit run it as the Kafka adapter does.
/// <para>Each batch is deserialized in offset order before your code sees it. A key or value that does not deserialize
/// is a poison message: the messages before it are handed to <see cref="HandleAsync"/> as a batch of their own, then the
/// worker crashes with a <see cref="MessageDeserializationException"/>, after acking what that batch's result acked. The
/// restart begins at the poison message, so the restart budget and <see cref="RestartConfig.WhenExhausted"/> decide what
/// happens to it, as for a handler that throws.</para></summary>
/// <typeparam name="TKey">The key's type (<see cref="Ignore"/> to skip keys).</typeparam>
/// <typeparam name="TValue">The value's type.</typeparam>
public abstract class MessageHandler<TKey, TValue> : IMessageHandler
{
    private readonly IDeserializer<TKey> _keys;
    private readonly IDeserializer<TValue> _values;

    /// <summary>A handler reading keys with <paramref name="keyDeserializer"/> and values with
    /// <paramref name="valueDeserializer"/>.</summary>
    /// <param name="keyDeserializer">Reads keys.</param>
    /// <param name="valueDeserializer">Reads values.</param>
    protected MessageHandler(IDeserializer<TKey> keyDeserializer, IDeserializer<TValue> valueDeserializer)
    {
        ArgumentNullException.ThrowIfNull(keyDeserializer);
        ArgumentNullException.ThrowIfNull(valueDeserializer);
        _keys = keyDeserializer;
        _values = valueDeserializer;
    }

    /// <inheritdoc />
    public virtual ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Handles a batch of typed messages from one partition, in offset order, and says what to acknowledge (as
    /// <see cref="IMessageHandler.HandleMessagesAsync"/>: <see cref="HandlerResult.Ack"/> acks the batch's last message).</summary>
    /// <param name="messages">The batch; never empty.</param>
    /// <param name="cancellationToken">Cancelled when the consumer is torn down.</param>
    protected abstract ValueTask<HandlerResult> HandleAsync(IReadOnlyList<ConsumedMessage<TKey, TValue>> messages, CancellationToken cancellationToken);

    /// <inheritdoc />
    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var typed = new List<ConsumedMessage<TKey, TValue>>(messages.Count);
        foreach (var message in messages)
        {
            var (converted, failure) = Deserialize(message);
            if (failure is { } poison)
            {
                throw await PoisonAsync(typed, message, poison, cancellationToken);
            }

            typed.Add(converted!);
        }

        return await HandleAsync(typed, cancellationToken);
    }

    // The messages before the poison one are handled first, so the restart begins at the poison message.
    private async ValueTask<MessageDeserializationException> PoisonAsync(
        List<ConsumedMessage<TKey, TValue>> before, ConsumedMessage poison, (string Component, Exception Error) failure, CancellationToken cancellationToken)
    {
        long? handledThrough = null;
        if (before.Count > 0)
        {
            var result = await HandleAsync(before, cancellationToken);
            handledThrough = result.AckedOffset(before[^1].Offset) is { } acked ? Math.Min(acked, before[^1].Offset) : null;
        }

        return new MessageDeserializationException(poison, failure.Component, handledThrough, failure.Error);
    }

    private (ConsumedMessage<TKey, TValue>? Message, (string Component, Exception Error)? Failure) Deserialize(ConsumedMessage message)
    {
        // Most deserializers ignore headers: a message without any costs no conversion.
        var headers = message.Headers.Count == 0 ? null : KafkaHeaders.ToKafka(message.Headers);
        TKey key;
        try
        {
            key = _keys.Deserialize(message.Key.Span, message.Key.IsEmpty,
                new SerializationContext(MessageComponentType.Key, message.Topic, headers));
        }
#pragma warning disable CA1031 // Whatever the deserializer throws makes the message a poison message.
        catch (Exception e)
        {
            return (null, ("key", e));
        }

        TValue value;
        try
        {
            value = _values.Deserialize(message.Value.Span, message.Value.IsEmpty,
                new SerializationContext(MessageComponentType.Value, message.Topic, headers));
        }
        catch (Exception e)
        {
            return (null, ("value", e));
        }
#pragma warning restore CA1031

        var typed = new ConsumedMessage<TKey, TValue>(message.Topic, message.Partition, message.Offset, message.TimestampMs, key, value, message.GenerationId)
        {
            Headers = message.Headers,
        };
        return (typed, null);
    }
}
