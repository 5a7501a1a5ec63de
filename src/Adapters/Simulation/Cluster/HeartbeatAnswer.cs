using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What the KIP-848 coordinator answers a heartbeat: the member id, its epoch and the partitions it is to own
/// now; or an error (retriable while the coordinator is unavailable, or fenced).</summary>
internal sealed record HeartbeatAnswer(CoordinatorResponse Response, string? MemberId, int Epoch, IReadOnlyList<TopicPartitionId> Assignment)
{
    public static HeartbeatAnswer Retriable { get; } = new(CoordinatorResponse.Retriable, null, 0, []);

    public static HeartbeatAnswer UnknownMember { get; } = new(CoordinatorResponse.UnknownMember, null, 0, []);
}
