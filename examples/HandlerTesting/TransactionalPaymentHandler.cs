using Elsa.Sim.Core;

namespace HandlerTesting;

/// <summary>The fix for <see cref="ConcurrentPaymentHandler"/>'s race: the same concurrent credits, but each reads,
/// checks and writes its account's row in one critical section (<see cref="AccountStore.UpdateAsync"/>, a transaction).</summary>
public sealed class TransactionalPaymentHandler(AccountStore store) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        await Task.WhenAll(messages.Select(CreditAsync).ToArray());
        return HandlerResult.Ack;
    }

    private async Task CreditAsync(ConsumedMessage message)
    {
        await Task.Yield();
        var payment = Payment.Of(message);
        var id = (message.Topic, message.Partition, message.Offset);
        await store.UpdateAsync(payment.Account, row =>
            row.Applied.Contains(id) ? row : new Account(row.Balance + payment.Amount, row.Applied.Add(id)));
    }
}
