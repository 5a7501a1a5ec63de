namespace Elsa.Sim.Hosting.Threading;

/// <summary>The one seam through which the host gets concurrency (time comes through <see cref="TimeProvider"/>): every
/// task the host starts — the manager loop, the committer, each worker, each user callback, the consume loop — starts
/// here, and nowhere else does the host start a thread, a pool task or a sleep. Production runs on the thread pool with
/// a dedicated consume thread (<see cref="PoolScheduler.Production"/>); Coyote controls pool tasks but not threads
/// (<see cref="PoolScheduler.Controlled"/>); the simulator runs everything on one deterministic thread in virtual
/// time.</summary>
internal interface IHostScheduler
{
    /// <summary>Starts <paramref name="work"/> concurrently with its caller.</summary>
    Task Run(Func<Task> work);

    /// <summary>Starts the consume loop, which may block the thread it runs on inside the client's calls (librdkafka runs
    /// rebalance callbacks on the polling thread, and the host's callbacks wait there) for the consumer's lifetime.</summary>
    Task RunConsumeLoop(Func<Task> loop);
}
