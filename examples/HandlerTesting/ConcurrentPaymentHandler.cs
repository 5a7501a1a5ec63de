using Elsa.Sim.Core;

namespace HandlerTesting;

/// <summary>Credits a batch's payments concurrently, and has a race: each credit reads its account's row, then writes it
/// back with the payment added, and nothing stops two credits to one account (in this batch, or in another partition's
/// worker) from both reading before either writes. The second write then loses the first payment, balance and all.
/// <para>The kit's seed mode never sees it: there every task runs on the simulator's one thread until it awaits something
/// not yet complete, and the store's calls complete at once, so each credit runs whole once it starts. Under Coyote the
/// store's lock is a scheduling point, and another credit may run between the read and the write.</para></summary>
public sealed class ConcurrentPaymentHandler(AccountStore store) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        await Task.WhenAll(messages.Select(CreditAsync).ToArray());
        return HandlerResult.Ack;
    }

    private async Task CreditAsync(ConsumedMessage message)
    {
        // Let the batch's other credits start: they run concurrently.
        await Task.Yield();
        var payment = Payment.Of(message);
        var id = (message.Topic, message.Partition, message.Offset);
        var row = await store.ReadAsync(payment.Account);
        if (!row.Applied.Contains(id))
        {
            await store.WriteAsync(payment.Account, new Account(row.Balance + payment.Amount, row.Applied.Add(id)));
        }
    }
}
