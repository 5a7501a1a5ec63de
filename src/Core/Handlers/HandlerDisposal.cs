namespace Elsa.Sim.Core;

/// <summary>How a host ends a handler when its worker ends: <see cref="IAsyncDisposable"/> first, else
/// <see cref="IDisposable"/>, else nothing. Both hosts (the Kafka adapter and the simulator's user-handler workers) end
/// handlers this way, so a handler behaves the same under test and in production.</summary>
public static class HandlerDisposal
{
    /// <summary>Disposes <paramref name="handler"/> if it is disposable. Not an async method on purpose: the work is the
    /// handler's own, so a host that controls its tasks (Coyote) sees them as they are.</summary>
    /// <param name="handler">The handler, or null when none was created.</param>
    public static ValueTask DisposeAsync(IMessageHandler? handler)
    {
        switch (handler)
        {
            case IAsyncDisposable asyncDisposable:
                return asyncDisposable.DisposeAsync();
            case IDisposable disposable:
                disposable.Dispose();
                return ValueTask.CompletedTask;
            default:
                return ValueTask.CompletedTask;
        }
    }
}
