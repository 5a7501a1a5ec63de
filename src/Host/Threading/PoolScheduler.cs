namespace Elsa.Sim.Hosting.Threading;

/// <summary>The host on the .NET thread pool. The consume loop gets a background thread of its own in production: it
/// blocks for the consumer's lifetime (in the client's poll, and in rebalance callbacks until the manager loop, a pool
/// task, has acted), and on a pool thread it would hold one of the pool's threads for good while a callback's wait needs
/// yet another one to be free. Under Coyote it runs as a pool task instead: Coyote controls <c>Task.Run</c>, not a
/// thread of its own (docs/systematic.md).</summary>
internal sealed class PoolScheduler : IHostScheduler
{
    private readonly bool _consumeLoopOnPool;

    private PoolScheduler(bool consumeLoopOnPool) => _consumeLoopOnPool = consumeLoopOnPool;

    /// <summary>Pool tasks, and a dedicated background thread for the consume loop.</summary>
    public static PoolScheduler Production { get; } = new(consumeLoopOnPool: false);

    /// <summary>Pool tasks only, which Coyote's rewriting puts under its scheduler.</summary>
    public static PoolScheduler Controlled { get; } = new(consumeLoopOnPool: true);

    public Task Run(Func<Task> work) => Task.Run(work);

    public Task RunConsumeLoop(Func<Task> loop)
    {
        if (_consumeLoopOnPool)
        {
            return Task.Run(loop);
        }

        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Background: a consumer nobody stopped must not keep the process alive.
        new Thread(() =>
        {
            try
            {
                // The port's calls complete on this thread (the client blocks it), so the loop stays here.
                loop().GetAwaiter().GetResult();
                ended.TrySetResult();
            }
#pragma warning disable CA1031 // The loop reports its own failures; whatever escapes ends the task, not the process.
            catch (Exception e)
#pragma warning restore CA1031
            {
                ended.TrySetException(e);
            }
        })
        { IsBackground = true, Name = "Elsa.Sim consume" }.Start();
        return ended.Task;
    }
}
