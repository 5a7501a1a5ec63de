using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What the coordinator needs of a member: who it is, the faults aimed at its requests, and a way to send it
/// the assignment when a round completes. <see cref="SimMember"/> is the one real client; tests use small fakes.</summary>
internal interface ICoordinatorClient
{
    int Index { get; }

    /// <summary>Consumes one armed fault of a kind aimed at this client's requests.</summary>
    bool TakeArmedFault(FaultKind kind);

    /// <summary>Sends this client a message from the coordinator (with network latency).</summary>
    void Deliver(Action action);

    /// <summary>SyncGroup's answer: the member's partitions in a generation.</summary>
    void OnAssigned(string memberId, int generation, IReadOnlyList<TopicPartition> partitions);
}
