using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>Host bug: a restarted worker's seek lands one past where the group manager said (after its last ack), so
/// the message right after the ack is never handled.</summary>
public sealed class SeeksPastTheAck(IConsumerPort inner) : PlantedPort(inner)
{
    public override void Seek(TopicPartitionId partition, long offset) => Inner.Seek(partition, offset + 1);
}
