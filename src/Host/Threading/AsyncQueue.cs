namespace Elsa.Sim.Hosting.Threading;

/// <summary>An unbounded multi-producer, single-consumer queue built from a lock and a <see cref="TaskCompletionSource"/>.
/// Written by hand instead of using System.Threading.Channels because the adapter must stay within what Coyote's binary
/// rewriting controls (Task, TaskCompletionSource, lock on an object), so its interleavings can be explored.</summary>
internal sealed class AsyncQueue<T>
{
    private readonly object _gate = new();
    private readonly Queue<T> _items = new();
    private TaskCompletionSource<bool>? _waiter;
    private bool _completed;

    /// <summary>Adds an item; false when the queue was already completed (the item is dropped).</summary>
    public bool TryEnqueue(T item)
    {
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            _items.Enqueue(item);
            wake = _waiter;
            _waiter = null;
        }

        // Completed outside the lock, and asynchronously (see the constructor of the source): the consumer's continuation
        // must never run on a producer's stack, which may be a rebalance callback or a worker.
        wake?.TrySetResult(true);
        return true;
    }

    /// <summary>Takes the next item without waiting.</summary>
    public bool TryDequeue(out T item)
    {
        lock (_gate)
        {
            return _items.TryDequeue(out item!);
        }
    }

    /// <summary>Waits until an item is available (true) or the queue is completed and empty (false). One reader only.</summary>
    public Task<bool> WaitToReadAsync()
    {
        lock (_gate)
        {
            if (_items.Count > 0)
            {
                return Task.FromResult(true);
            }

            if (_completed)
            {
                return Task.FromResult(false);
            }

            _waiter ??= new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task;
        }
    }

    /// <summary>Refuses further items; the reader drains what is queued, then sees the end.</summary>
    public void Complete()
    {
        TaskCompletionSource<bool>? wake;
        lock (_gate)
        {
            _completed = true;
            wake = _waiter;
            _waiter = null;
        }

        wake?.TrySetResult(false);
    }
}
