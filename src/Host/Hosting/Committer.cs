using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;
using Elsa.Sim.Hosting.Threading;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Hosting;

/// <summary>Sends the machine's commits one at a time, in the order it issued them, off the loop (a commit is a round
/// trip to the coordinator). One at a time, because two commits of one partition in flight could land out of
/// order and move the group's offset backwards. Each outcome goes back to the machine as
/// <see cref="GroupEvent.CommitCompleted"/>.</summary>
internal sealed class Committer(IConsumerPort port, IHostScheduler scheduler, Action<GroupEvent> post, ConsumerMetrics metrics, ILogger logger)
{
    private readonly AsyncQueue<object> _queue = new();

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = scheduler.Run(RunAsync);

    public void Enqueue(GroupEffect.CommitOffsets commit) => _queue.TryEnqueue(commit);

    /// <summary>Completes once every commit enqueued before it has been sent and answered.</summary>
    public Task Barrier()
    {
        var barrier = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.TryEnqueue(barrier))
        {
            barrier.TrySetResult();
        }

        return barrier.Task;
    }

    /// <summary>Sends what is queued, then ends.</summary>
    public void Complete() => _queue.Complete();

    private async Task<CommitOutcome> SendAsync(GroupEffect.CommitOffsets commit)
    {
        try
        {
            return await port.CommitAsync(commit.Offsets);
        }
#pragma warning disable CA1031 // The port reports refusals as outcomes; anything else (a client torn down) is retriable too.
        catch (Exception e)
#pragma warning restore CA1031
        {
            logger.CommitThrew(e, commit.GenerationId);
            return CommitOutcome.RetriableError;
        }
    }

    private async Task RunAsync()
    {
        while (await _queue.WaitToReadAsync())
        {
            while (_queue.TryDequeue(out var item))
            {
                switch (item)
                {
                    case GroupEffect.CommitOffsets commit:
                        var outcome = await SendAsync(commit);
                        metrics.Commit(outcome);
                        post(new GroupEvent.CommitCompleted(commit.GenerationId, commit.Offsets, outcome));
                        break;
                    case TaskCompletionSource barrier:
                        barrier.TrySetResult();
                        break;
                    default:
                        throw new InvalidOperationException($"unexpected committer item {item}");
                }
            }
        }
    }
}
