using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Port;
using Elsa.Sim.Kafka.Telemetry;
using Elsa.Sim.Kafka.Threading;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Kafka.Hosting;

/// <summary>Sends the machine's commits one at a time, in the order it issued them, off the loop (a commit is a blocking
/// round trip to the coordinator). One at a time, because two commits of one partition in flight could land out of
/// order and move the group's offset backwards. Each outcome goes back to the machine as
/// <see cref="GroupEvent.CommitCompleted"/>.</summary>
internal sealed class Committer(IKafkaConsumerPort port, Action<GroupEvent> post, KafkaMetrics metrics, ILogger logger)
{
    private readonly AsyncQueue<object> _queue = new();

    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

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

    private CommitOutcome Send(GroupEffect.CommitOffsets commit)
    {
        try
        {
            return port.Commit(commit.Offsets);
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
                        var outcome = Send(commit);
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
