using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A user's handler inside one simulated worker start: created and initialised when the worker starts, handed
/// each batch at the simulated moment it is fetched, disposed when the worker ends. Its tasks are waited on in place, so
/// a handler that completes synchronously (as the kit asks) runs deterministically; whatever it throws is a worker crash,
/// as in the Kafka adapter's <c>PartitionWorker</c>.</summary>
internal sealed class HostedHandler
{
    private readonly IMessageHandler _handler;

    private HostedHandler(IMessageHandler handler) => _handler = handler;

    /// <summary>Creates and initialises a handler; null with <paramref name="failure"/> set when either step threw.</summary>
    public static HostedHandler? Start(UserHandler user, HandlerContext context, out string? failure)
    {
        IMessageHandler? handler = null;
        failure = Run(() =>
        {
            handler = user.Create();
            handler.InitAsync(context, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        });
        if (failure is null)
        {
            return new HostedHandler(handler!);
        }

        Dispose(handler);
        return null;
    }

    /// <summary>Hands a batch over; the handler's result, or null with <paramref name="failure"/> set when it threw.</summary>
    public HandlerResult? Handle(IReadOnlyList<ConsumedMessage> batch, out string? failure)
    {
        HandlerResult? result = null;
        failure = Run(() => result = _handler.HandleMessagesAsync(batch, CancellationToken.None).AsTask().GetAwaiter().GetResult());
        return failure is null ? result : null;
    }

    public void End() => Dispose(_handler);

    private static string? Run(Action action)
    {
        try
        {
            action();
            return null;
        }
#pragma warning disable CA1031 // Whatever the user's handler throws is a worker crash, reported to the group manager.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static void Dispose(IMessageHandler? handler)
    {
        // A handler that fails to dispose must not keep its worker from reporting its end.
        _ = Run(() => HandlerDisposal.DisposeAsync(handler).AsTask().GetAwaiter().GetResult());
    }
}
