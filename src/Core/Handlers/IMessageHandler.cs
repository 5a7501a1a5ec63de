namespace Elsa.Sim.Core;

/// <summary>Elsa's <c>Elsa.Consumer.MessageHandler</c> behaviour: the user's code that handles one partition's messages.
/// A host creates one instance per worker start (so per partition and generation), calls <see cref="InitAsync"/> once
/// (Elsa's <c>init/1</c>), then <see cref="HandleMessagesAsync"/> for each batch (Elsa's <c>handle_messages/2</c>).
/// The Kafka adapter and the simulator run the same implementations.</summary>
public interface IMessageHandler
{
    /// <summary>Prepares the handler for one partition; receives <see cref="GroupConfig.HandlerInitArgs"/> in
    /// <paramref name="context"/>.</summary>
    ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken);

    /// <summary>Handles a batch of messages from one partition, in offset order, and says what to acknowledge.</summary>
    ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken);
}

/// <summary>What a handler knows about where it runs.</summary>
/// <param name="Group">The consumer group.</param>
/// <param name="Partition">The partition this handler serves.</param>
/// <param name="GenerationId">The generation the worker was started in; pass it back when acking later.</param>
/// <param name="InitArgs">Elsa's <c>handler_init_args</c>.</param>
public sealed record HandlerContext(string Group, TopicPartitionId Partition, int GenerationId, object? InitArgs);

/// <summary>One message as a handler sees it (Elsa's <c>Elsa.Message</c>).</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The message's offset.</param>
/// <param name="TimestampMs">The message's timestamp, in Unix milliseconds.</param>
/// <param name="Key">The key, or empty.</param>
/// <param name="Value">The value.</param>
/// <param name="GenerationId">The generation the consuming worker belongs to.</param>
public sealed record ConsumedMessage(
    string Topic, int Partition, long Offset, long TimestampMs, ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value, int GenerationId)
{
    /// <summary>The message's headers, in the producer's order (a W3C <c>traceparent</c> among them, when the producer
    /// traced); empty when it has none.</summary>
    public IReadOnlyList<MessageHeader> Headers { get; init; } = [];
}
