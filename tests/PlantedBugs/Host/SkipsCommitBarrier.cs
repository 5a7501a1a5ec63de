using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>Host bug: a commit is taken as done the moment it is sent, so a revocation's commit barrier passes at once
/// and the client hands the partitions on while the revocation's commit is still in the network.</summary>
public sealed class SkipsCommitBarrier(IConsumerPort inner) : PlantedPort(inner)
{
    public override ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets)
    {
        _ = Inner.CommitAsync(offsets).AsTask();
        return ValueTask.FromResult(CommitOutcome.Success);
    }
}
