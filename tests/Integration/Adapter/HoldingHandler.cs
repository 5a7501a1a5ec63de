using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>An Elsa message handler that records each message in the <see cref="HandledLog"/> given as
/// <c>handler_init_args</c> and returns <c>no_ack</c>: the test acks later, through the consumer, as code that hands
/// messages on would.</summary>
internal sealed class HoldingHandler : IMessageHandler
{
    private HandledLog? _log;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _log = (HandledLog)context.InitArgs!;
        _log.Started(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            _log!.Handle(message);
        }

        return ValueTask.FromResult(HandlerResult.NoAck);
    }
}
