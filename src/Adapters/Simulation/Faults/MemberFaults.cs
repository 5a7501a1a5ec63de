using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The faults aimed at one member that strike its handlers, acks and callbacks: windows during which something
/// goes wrong, and one-shot faults armed for a partition's next batch. They outlive the member's incarnations, as the
/// old member's did: a fault armed before a crash strikes the restarted member.</summary>
internal sealed class MemberFaults(SimulatedCluster cluster, int member)
{
    private readonly Dictionary<FaultKind, long> _windowUntilMs = [];
    private readonly HashSet<TopicPartitionId> _handlerException = [];
    private readonly HashSet<TopicPartitionId> _workerCrash = [];
    private readonly Dictionary<TopicPartitionId, long> _ackBeyond = [];

    public void OpenWindow(FaultKind kind, long durationMs)
    {
        var until = cluster.Clock.NowMs + durationMs;
        _windowUntilMs[kind] = Math.Max(_windowUntilMs.GetValueOrDefault(kind), until);
    }

    public bool InWindow(FaultKind kind) => _windowUntilMs.TryGetValue(kind, out var until) && cluster.Clock.NowMs < until;

    public void ArmHandlerException(TopicPartitionId partition) => _handlerException.Add(partition);

    public void ArmWorkerCrash(TopicPartitionId partition) => _workerCrash.Add(partition);

    public void ArmAckBeyond(TopicPartitionId partition, long distance) => _ackBeyond[partition] = distance;

    /// <summary>Whether the worker of <paramref name="partition"/> crashes at this batch, before its handler sees it.</summary>
    public bool TakeWorkerCrash(TopicPartitionId partition) => _workerCrash.Remove(partition) && Fired(FaultKind.WorkerCrash, partition, $"the worker of {partition} crashes");

    /// <summary>Whether the handler of <paramref name="partition"/> throws partway through this batch: an armed exception,
    /// or half the batches during a handler outage.</summary>
    public bool TakeHandlerException(TopicPartitionId partition, SimRandom rng)
    {
        if (_handlerException.Remove(partition) && Fired(FaultKind.HandlerException, partition, $"the handler of {partition} throws"))
        {
            return true;
        }

        if (InWindow(FaultKind.HandlerOutage) && rng.Chance(0.5))
        {
            cluster.Oracle.Fault(FaultKind.HandlerOutage, $"member {member}: the handler of {partition} throws (outage)", member, partition);
            return true;
        }

        return false;
    }

    /// <summary>How far past the end of the log the handler of <paramref name="partition"/> acks now; 0 when not armed.</summary>
    public long TakeAckBeyond(TopicPartitionId partition) =>
        _ackBeyond.Remove(partition, out var distance) && Fired(FaultKind.AckBeyondDelivered, partition, $"the handler of {partition} acks past the end of the log")
            ? distance
            : 0;

    // Called only once a fault is taken (after &&), so the per-batch checks build no text.
    private bool Fired(FaultKind kind, TopicPartitionId partition, string what)
    {
        cluster.FaultFired(kind, $"member {member}: {what}", member, partition);
        return true;
    }
}
