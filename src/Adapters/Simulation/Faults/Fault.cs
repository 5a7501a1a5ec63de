using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>One scheduled fault: what, when, and whom. Targets are indexes resolved when the fault fires (member index
/// modulo the members, partition index modulo the partitions, in <see cref="TopicPartitionId"/> order), so a fault
/// schedule stays meaningful when other faults are removed from it while shrinking.</summary>
/// <param name="AtMs">When the fault fires, in virtual milliseconds.</param>
/// <param name="Kind">What the fault is.</param>
/// <param name="Member">Which member it targets (an index).</param>
/// <param name="Partition">Which partition it targets (an index).</param>
/// <param name="Magnitude">How big or long it is: a duration in ms, a count, or a fraction in thousandths, per kind.</param>
public sealed record Fault(long AtMs, FaultKind Kind, int Member, int Partition, long Magnitude)
{
    /// <summary>A short sentence for the trace and the story of a shrunk run, naming the member and the partition the
    /// fault strikes in a run of <paramref name="shape"/>.</summary>
    public string Describe(SimulationOptions shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var member = TargetMember(shape);
        var partition = TargetPartition(shape);
        return Kind switch
        {
            FaultKind.MemberCrash => $"member {member} crashes and restarts {Magnitude} ms later",
            FaultKind.MemberRestart => $"member {member} shuts down gracefully and rejoins {Magnitude} ms later",
            FaultKind.WorkerCrash => $"the worker of {partition} crashes",
            FaultKind.HandlerException => $"the handler of {partition} throws partway through its next batch",
            FaultKind.SessionTimeout => $"member {member}'s heartbeats are lost for {Magnitude} ms (its session times out; it lives on as a zombie)",
            FaultKind.RebalanceStorm => $"{Magnitude} rebalances in quick succession",
            FaultKind.CommitFailure => $"member {member}'s next commit fails with a retriable error",
            FaultKind.UnknownCommitOutcome => $"member {member}'s next commit is applied but reported as failed",
            FaultKind.CoordinatorMove => $"the coordinator moves and is unavailable for {Magnitude} ms",
            FaultKind.FetchOutOfRange => $"retention deletes {Magnitude / 10}% of the log of the partition furthest behind (else {partition})",
            FaultKind.AckDelay => $"member {member}'s acks are delayed for {Magnitude} ms",
            FaultKind.AckDuplicate => $"member {member}'s acks are duplicated for {Magnitude} ms",
            FaultKind.AckReorder => $"member {member}'s acks are reordered for {Magnitude} ms",
            FaultKind.CallbackDelay => $"member {member}'s assignment callbacks are slow for {Magnitude} ms",
            FaultKind.AckBeyondDelivered => $"the handler of {partition} acks an offset far past the end of the log",
            FaultKind.HandlerOutage => $"member {member}'s handlers throw on half their batches for {Magnitude} ms",
            FaultKind.PartitionsAdded => $"{partition.Topic} gains {Magnitude} partition(s)",
            _ => Kind.ToString(),
        };
    }

    /// <summary>The member this fault strikes in a run of <paramref name="shape"/>.</summary>
    internal int TargetMember(SimulationOptions shape) => Member % shape.Members;

    /// <summary>The partition this fault strikes in a run of <paramref name="shape"/>.</summary>
    internal TopicPartitionId TargetPartition(SimulationOptions shape)
    {
        var partitions = shape.TopicPartitions();
        return partitions[Partition % partitions.Count];
    }
}
