using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>One worker's back-pressure: the messages fetched for it and not yet handed to its handler, and the window of
/// messages fetched and not yet acknowledged (brod's <c>prefetch_count</c>/<c>prefetch_bytes</c>). Like brod, it is
/// greedy: fetching pauses only when the window holds more than <c>prefetch_count</c> messages AND more than
/// <c>prefetch_bytes</c> bytes, and resumes as soon as acks bring either back within bounds. An ack releases the window
/// once the group manager accepted it (the manager's loop releases it, nobody else); a <c>continue</c> releases the batch
/// its worker handed over; <c>no_ack</c> holds it until a later ack.</summary>
/// <remarks>Pause and resume are issued under the window's lock, so the client sees them in the order the window decided
/// them: a late resume can never overtake the pause that followed it and leave a full window fetching, or an empty one
/// paused.</remarks>
internal sealed class PrefetchWindow(TopicPartitionId partition, int prefetchCount, long prefetchBytes, IConsumerPort port, ConsumerMetrics metrics)
{
    private readonly object _gate = new();
    private readonly Queue<FetchedMessage> _buffered = new();
    private readonly Queue<(long Offset, long Bytes)> _unacked = new();
    private long _unackedBytes;
    private bool _paused;
    private bool _closed;
    private TaskCompletionSource<bool>? _waiter;

    /// <summary>Adds a fetched message (consume thread). Pauses the partition when the window becomes full.</summary>
    public void Offer(FetchedMessage message)
    {
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            // Weighed once: the weight walks the headers, and this runs for every message on the consume thread.
            var bytes = message.SizeBytes;
            _buffered.Enqueue(message);
            _unacked.Enqueue((message.Offset, bytes));
            _unackedBytes += bytes;
            if (!_paused && IsFull)
            {
                _paused = true;
                port.Pause([partition]);
                metrics.Paused(true);
            }

            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult(true);
    }

    /// <summary>Waits for the next batch: every message buffered so far (at most <paramref name="maxCount"/>), in offset
    /// order. Empty once the window is closed.</summary>
    public async Task<IReadOnlyList<FetchedMessage>> TakeAsync(int maxCount = int.MaxValue)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_closed)
                {
                    return [];
                }

                if (_buffered.Count > 0 && maxCount >= _buffered.Count)
                {
                    var batch = _buffered.ToArray();
                    _buffered.Clear();
                    return batch;
                }

                if (_buffered.Count > 0)
                {
                    var part = new FetchedMessage[maxCount];
                    for (var i = 0; i < maxCount; i++)
                    {
                        part[i] = _buffered.Dequeue();
                    }

                    return part;
                }

                _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
                wait = _waiter.Task;
            }

            await wait;
        }
    }

    /// <summary>Releases every message up to and including <paramref name="offset"/> from the window; resumes fetching
    /// if the window is no longer full.</summary>
    public void Release(long offset)
    {
        lock (_gate)
        {
            while (_unacked.TryPeek(out var head) && head.Offset <= offset)
            {
                _unacked.Dequeue();
                _unackedBytes -= head.Bytes;
            }

            if (_paused && !_closed && !IsFull)
            {
                _paused = false;
                port.Resume([partition]);
                metrics.Paused(false);
            }
        }
    }

    /// <summary>Stops accepting messages and wakes the worker; buffered messages are dropped (they were never delivered,
    /// so the next worker fetches them again).</summary>
    public void Close()
    {
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            if (_paused && !_closed)
            {
                // The window is gone; whoever takes the partition next resumes it (revocation does).
                metrics.Paused(false);
            }

            _closed = true;
            _buffered.Clear();
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult(false);
    }

    private bool IsFull => _unacked.Count > prefetchCount && _unackedBytes > prefetchBytes;
}
