using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>A handler the container builds, which fails once at <see cref="StartFault.Stage"/>: in its constructor, in
/// <c>InitAsync</c>, or on its first batch (before handling it). Just before it throws it runs
/// <see cref="StartFault.BeforeThrow"/>, so a test can produce messages at the one moment that matters: after the worker
/// was positioned, before its restart.</summary>
internal sealed class FailsOnceAtStartHandler : IMessageHandler
{
    private readonly HandledLog _log;
    private readonly StartFault _fault;

    public FailsOnceAtStartHandler(HandledLog log, StartFault fault)
    {
        _log = log;
        _fault = fault;
        _fault.MaybeThrow(StartFault.Stages.Constructor);
    }

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _fault.MaybeThrow(StartFault.Stages.Init);
        _log.Started(context);
        return ValueTask.CompletedTask;
    }

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        _fault.MaybeThrow(StartFault.Stages.FirstBatch);
        foreach (var message in messages)
        {
            _log.Handle(message);
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}

/// <summary>Where <see cref="FailsOnceAtStartHandler"/> fails, once, and what runs just before.</summary>
public sealed class StartFault(StartFault.Stages stage, Action beforeThrow)
{
    private readonly TaskCompletionSource _fired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _thrown;

    public enum Stages
    {
        Constructor,
        Init,
        FirstBatch,
    }

    public Stages Stage => stage;

    /// <summary>Completes once the fault has fired.</summary>
    internal Task Fired => _fired.Task;

    internal void MaybeThrow(Stages at)
    {
        if (at != stage || Interlocked.Exchange(ref _thrown, 1) == 1)
        {
            return;
        }

        beforeThrow();
        _fired.TrySetResult();
        throw new InvalidOperationException($"planted failure in the handler's {at}");
    }
}
