using Elsa.Sim.Core;
using Elsa.Sim.Hosting;
using Elsa.Sim.Kafka;
using Microsoft.Extensions.DependencyInjection;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>A handler of the consumer named "orders" that answers <see cref="HandlerResult.NoAck"/> and acks through the
/// consumer the container gives it by name, as a handler acking later does.</summary>
internal sealed class OrdersAckingLaterHandler(HandledLog log, [FromKeyedServices("orders")] ElsaConsumer consumer) : InjectedHandler(log)
{
    protected override HandlerResult Answer(IReadOnlyList<ConsumedMessage> messages)
    {
        var last = messages[^1];
        consumer.Ack(last.Topic, last.Partition, last.GenerationId, last.Offset);
        return HandlerResult.NoAck;
    }
}
