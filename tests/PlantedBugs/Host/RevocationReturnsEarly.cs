using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>Host bug: the revoke callback returns before the host finished revoking, so the client hands the partitions
/// on while the host's workers still accept deliveries and hand buffered batches to their handlers.</summary>
public sealed class RevocationReturnsEarly(IConsumerPort inner) : PlantedPort(inner)
{
    public override void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener) =>
        Inner.Subscribe(topics, new EarlyListener(listener));

    private sealed class EarlyListener(IRebalanceListener host) : IRebalanceListener
    {
        public ValueTask<IReadOnlyList<AssignedStart>> OnPartitionsAssignedAsync(IReadOnlyList<TopicPartitionId> partitions) =>
            host.OnPartitionsAssignedAsync(partitions);

        public ValueTask OnPartitionsRevokedAsync(IReadOnlyList<TopicPartitionId> partitions)
        {
            _ = host.OnPartitionsRevokedAsync(partitions).AsTask();
            return ValueTask.CompletedTask;
        }

        public ValueTask OnPartitionsLostAsync(IReadOnlyList<TopicPartitionId> partitions) => host.OnPartitionsLostAsync(partitions);
    }
}
