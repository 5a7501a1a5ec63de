using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>What the scenario handlers of one iteration did, shared by every member: the batches they have in hand, the
/// acks they held back for a later <c>Ack</c> call and whether those were sent, and which planned crashes already
/// happened. (What was handled and acked is the oracle's to know.)</summary>
internal sealed class Ledger
{
    private readonly object _gate = new();
    private readonly Queue<HeldAck> _heldAcks = new();
    private readonly HashSet<(TopicPartitionId, long)> _crashed = [];
    private readonly Dictionary<string, int> _unsentAcks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _batchesInHand = new(StringComparer.Ordinal);
    private TaskCompletionSource _ackHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _ackingStopped;

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

    /// <summary>True the first time a planned crash at this offset comes up: the handler throws once, then handles it.</summary>
    public bool CrashFirstTime(TopicPartitionId partition, long offset)
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
internal sealed record HeldAck(string Member, TopicPartitionId Partition, int GenerationId, long LastOffset);
