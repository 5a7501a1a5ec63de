using Elsa.Sim.Core;

namespace HandlerTesting;

/// <summary>The planted bug: credits every payment it is handed. Kafka delivers at least once, so after a crash or a
/// rebalance a payment handled but not yet committed comes again, and is credited twice.</summary>
public sealed class DoubleCountingPaymentHandler(Ledger ledger) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            var payment = Payment.Of(message);
            ledger.Credit(payment.Account, payment.Amount);
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
