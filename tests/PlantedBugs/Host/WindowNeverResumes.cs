using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>Host bug: a partition the prefetch window paused is never resumed, so it stops for good once its window
/// fills.</summary>
public sealed class WindowNeverResumes(IConsumerPort inner) : PlantedPort(inner)
{
    public override void Resume(IReadOnlyList<TopicPartitionId> partitions)
    {
    }
}
