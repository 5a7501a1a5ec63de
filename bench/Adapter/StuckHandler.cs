using Elsa.Sim.Core;

namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>Takes its first batch and does not return until <see cref="Release"/>: every partition's window then fills to
/// its bound while the handler is busy, which is the most a consumer can hold.</summary>
public sealed class StuckHandler : IMessageHandler
{
    private static TaskCompletionSource s_release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private static int s_stuck;

    /// <summary>How many handlers are holding a batch.</summary>
    public static int Stuck => Volatile.Read(ref s_stuck);

    public static void Reset()
    {
        s_release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref s_stuck, 0);
    }

    public static void Release() => s_release.TrySetResult();

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref s_stuck);
        await s_release.Task.WaitAsync(cancellationToken);
        return HandlerResult.Ack;
    }
}
