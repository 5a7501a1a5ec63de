using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Monitors;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>What the handlers of one iteration did, shared by every member: the workers they ran for, the batches they
/// had in hand and returned from (reported to the monitors), the acks they returned, the acks they held back for a
/// later <c>Ack</c> call and whether those were sent, and which planned crashes already happened.</summary>
internal sealed class Ledger
{
    private readonly object _gate = new();
    private readonly HandledOffsets _handled = new();
    private readonly Queue<HeldAck> _heldAcks = new();
    private readonly HashSet<(TopicPartition, long)> _crashed = [];
    private readonly Dictionary<string, int> _unsentAcks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _batchesInHand = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Member, TopicPartition Partition), int> _latestWorkerGeneration = [];
    private readonly Dictionary<(string Member, TopicPartition Partition, int Generation), long> _lastAcked = [];
    private TaskCompletionSource _ackHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _workers;
    private bool _ackingStopped;

    /// <summary>A handler was initialised for a worker of <paramref name="member"/>; returns the worker's number.</summary>
    public long WorkerStarted(string member, TopicPartition partition, int generation)
    {
        lock (_gate)
        {
            _latestWorkerGeneration[(member, partition)] = generation;
            return ++_workers;
        }
    }

    /// <summary>A handler of <paramref name="member"/> began a batch; true for the member's first.</summary>
    public bool BatchStarted(string member)
    {
        lock (_gate)
        {
            var first = !_batchesInHand.ContainsKey(member);
            _batchesInHand[member] = _batchesInHand.GetValueOrDefault(member) + 1;
            return first;
        }
    }

    public void BatchEnded(string member)
    {
        lock (_gate)
        {
            _batchesInHand[member]--;
        }
    }

    public int BatchesInHand(string member)
    {
        lock (_gate)
        {
            return _batchesInHand.GetValueOrDefault(member);
        }
    }

    /// <summary>A handler of <paramref name="member"/> returned from a batch of <paramref name="partition"/>, acking it
    /// or not.</summary>
    public void Handled(string member, TopicPartition partition, int generation, long first, long last, bool acked)
    {
        lock (_gate)
        {
            _handled.Add(partition, first, last);
            if (acked)
            {
                RecordAck(member, partition, generation, last);
            }
        }

        Specification.Monitor<SafetyMonitor>(new BatchHandled(partition, first, last));
        Specification.Monitor<LivenessMonitor>(new BatchHandled(partition, first, last));
    }

    /// <summary>Whether every offset below <paramref name="end"/> was handled.</summary>
    public bool HandledBelow(TopicPartition partition, long end)
    {
        lock (_gate)
        {
            return _handled.Prefix(partition) >= end;
        }
    }

    /// <summary>The next offset after the last ack <paramref name="member"/> made on <paramref name="partition"/> in the
    /// generation of its latest worker there, or null when it made none. Acks of older generations are left out: they
    /// may be stale, and a stale ack is rightly never committed.</summary>
    public (long NextOffset, int Generation)? AckedNext(string member, TopicPartition partition)
    {
        lock (_gate)
        {
            return _latestWorkerGeneration.TryGetValue((member, partition), out var generation) &&
                _lastAcked.TryGetValue((member, partition, generation), out var last)
                ? (last + 1, generation)
                : null;
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

    /// <summary>A handler returned <c>no_ack</c>: somebody acks the batch later through the consumer. True for the
    /// member's first.</summary>
    public bool HoldAck(HeldAck ack)
    {
        TaskCompletionSource held;
        bool first;
        lock (_gate)
        {
            _heldAcks.Enqueue(ack);
            first = !_unsentAcks.ContainsKey(ack.Member);
            _unsentAcks[ack.Member] = _unsentAcks.GetValueOrDefault(ack.Member) + 1;
            held = _ackHeld;
            _ackHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        held.TrySetResult();
        return first;
    }

    /// <summary>Takes the oldest held ack, until <see cref="StopAcking"/>. When there is none, <paramref name="next"/>
    /// completes when one is held, or is null once acking stopped.</summary>
    public bool TryTakeAck(out HeldAck ack, out Task? next)
    {
        lock (_gate)
        {
            next = _ackingStopped ? null : _ackHeld.Task;
            ack = null!;
            return !_ackingStopped && _heldAcks.TryDequeue(out ack!);
        }
    }

    /// <summary>A held ack went through <c>Ack/5</c>.</summary>
    public void AckSent(HeldAck ack)
    {
        lock (_gate)
        {
            _unsentAcks[ack.Member]--;
            RecordAck(ack.Member, ack.Partition, ack.GenerationId, ack.LastOffset);
        }
    }

    /// <summary>Acks <paramref name="member"/>'s handlers held that were not sent (yet).</summary>
    public int UnsentAcks(string member)
    {
        lock (_gate)
        {
            return _unsentAcks.GetValueOrDefault(member);
        }
    }

    public bool AllAcksSent
    {
        get
        {
            lock (_gate)
            {
                return _unsentAcks.Values.All(count => count == 0);
            }
        }
    }

    // Under the lock: an ack reached the host, returned by a handler or sent through Ack/5.
    private void RecordAck(string member, TopicPartition partition, int generation, long lastOffset)
    {
        var key = (member, partition, generation);
        _lastAcked[key] = Math.Max(_lastAcked.GetValueOrDefault(key, -1), lastOffset);
    }

    /// <summary>Ends <see cref="TryTakeAck"/>: acks still held, or held from now on, stay unsent.</summary>
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
