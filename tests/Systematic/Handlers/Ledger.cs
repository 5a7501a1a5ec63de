using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Monitors;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>What the handlers of one iteration did, shared by every member: the batches they returned from (reported to
/// the monitors), acks held back for a later <c>Ack</c> call, and which planned crashes already happened.</summary>
internal sealed class Ledger
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, HandledOffsets> _handled = [];
    private readonly Queue<HeldAck> _heldAcks = new();
    private readonly HashSet<(TopicPartition, long)> _crashed = [];
    private TaskCompletionSource _ackHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _workers;
    private bool _ackingStopped;

    public long NextWorker() => Interlocked.Increment(ref _workers);

    public void Handled(TopicPartition partition, long first, long last)
    {
        lock (_gate)
        {
            if (!_handled.TryGetValue(partition, out var handled))
            {
                handled = new HandledOffsets();
                _handled[partition] = handled;
            }

            handled.Add(first, last);
        }

        Specification.Monitor<SafetyMonitor>(new BatchHandled(partition, first, last));
        Specification.Monitor<LivenessMonitor>(new BatchHandled(partition, first, last));
    }

    /// <summary>Whether every offset below <paramref name="end"/> was handled.</summary>
    public bool HandledBelow(TopicPartition partition, long end)
    {
        lock (_gate)
        {
            return (_handled.TryGetValue(partition, out var handled) ? handled.Prefix : 0) >= end;
        }
    }

    /// <summary>True the first time a planned crash at this offset comes up: the handler throws once, then handles it.</summary>
    public bool CrashFirstTime(TopicPartition partition, long offset)
    {
        lock (_gate)
        {
            return _crashed.Add((partition, offset));
        }
    }

    /// <summary>A handler returned <c>no_ack</c>: somebody acks the batch later through the consumer.</summary>
    public void HoldAck(HeldAck ack)
    {
        TaskCompletionSource held;
        lock (_gate)
        {
            _heldAcks.Enqueue(ack);
            held = _ackHeld;
            _ackHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        held.TrySetResult();
    }

    /// <summary>Takes the oldest held ack. When there is none, <paramref name="next"/> completes when one is held, or is
    /// null once <see cref="StopAcking"/> was called.</summary>
    public bool TryTakeAck(out HeldAck ack, out Task? next)
    {
        lock (_gate)
        {
            next = _ackingStopped ? null : _ackHeld.Task;
            return _heldAcks.TryDequeue(out ack!);
        }
    }

    /// <summary>Ends <see cref="TryTakeAck"/>'s waits: acks still held stay unacked.</summary>
    public void StopAcking()
    {
        TaskCompletionSource held;
        lock (_gate)
        {
            _ackingStopped = true;
            held = _ackHeld;
        }

        held.TrySetResult();
    }
}

/// <summary>A batch a handler returned <c>no_ack</c> for, to be acked later with Elsa's <c>ack/5</c>.</summary>
internal sealed record HeldAck(string Member, TopicPartition Partition, int GenerationId, long LastOffset);
