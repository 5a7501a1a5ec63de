using Elsa.Sim.Core;

namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>Acks every batch and counts the messages, as the cheapest real handler would.</summary>
public sealed class CountingHandler : IMessageHandler
{
    private static long s_handled;

    public static long Handled => Interlocked.Read(ref s_handled);

    public static void Reset() => Interlocked.Exchange(ref s_handled, 0);

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref s_handled, messages.Count);
        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
