using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>An Elsa message handler that records each message in the <see cref="HandledLog"/> given as
/// <c>handler_init_args</c> and answers every batch with <see cref="Result"/> (or, for a handler that takes its time,
/// <see cref="AnswerAsync"/>). Hosts create handlers by type, so each answer is its own small subclass.</summary>
internal abstract class RecordingHandler : IMessageHandler
{
    private HandledLog? _log;

    /// <summary>The log from <c>handler_init_args</c>, once <see cref="InitAsync"/> ran.</summary>
    protected HandledLog Log => _log ?? throw new InvalidOperationException("InitAsync has not run");

    protected abstract HandlerResult Result { get; }

    protected virtual ValueTask<HandlerResult> AnswerAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Result);

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

        return AnswerAsync(cancellationToken);
    }
}
