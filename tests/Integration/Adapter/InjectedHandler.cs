using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>A handler the container builds: it takes its <see cref="HandledLog"/> as a constructor dependency instead of
/// from <c>handler_init_args</c>, and acks every batch (or answers what a subclass's <see cref="Answer"/> says).</summary>
internal class InjectedHandler(HandledLog log) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        log.Started(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            log.Handle(message);
        }

        return ValueTask.FromResult(Answer(messages));
    }

    protected virtual HandlerResult Answer(IReadOnlyList<ConsumedMessage> messages) => HandlerResult.Ack;
}
