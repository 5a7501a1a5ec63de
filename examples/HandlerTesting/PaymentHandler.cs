using Elsa.Sim.Core;

namespace HandlerTesting;

/// <summary>The fix: a payment is credited only the first time its partition and offset are seen, recorded with the
/// balance, so a redelivery changes nothing.</summary>
public sealed class PaymentHandler(Ledger ledger) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            if (ledger.MarkApplied(message.Topic, message.Partition, message.Offset))
            {
                var payment = Payment.Of(message);
                ledger.Credit(payment.Account, payment.Amount);
            }
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
