namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>Kafka protocol request types (API keys) whose responses the mock cluster can be told to fail, see
/// <see cref="MockKafkaCluster.PushRequestErrors"/>. The values are the protocol's; any other key can be
/// cast.</summary>
public enum KafkaApi : short
{
    /// <summary>ProduceRequest.</summary>
    Produce = 0,

    /// <summary>FetchRequest.</summary>
    Fetch = 1,

    /// <summary>ListOffsetsRequest: watermarks and offset lookups, e.g. when an offset is reset.</summary>
    ListOffsets = 2,

    /// <summary>MetadataRequest.</summary>
    Metadata = 3,

    /// <summary>OffsetCommitRequest.</summary>
    OffsetCommit = 8,

    /// <summary>OffsetFetchRequest: reading committed offsets.</summary>
    OffsetFetch = 9,

    /// <summary>FindCoordinatorRequest.</summary>
    FindCoordinator = 10,

    /// <summary>JoinGroupRequest.</summary>
    JoinGroup = 11,

    /// <summary>HeartbeatRequest.</summary>
    Heartbeat = 12,

    /// <summary>LeaveGroupRequest.</summary>
    LeaveGroup = 13,

    /// <summary>SyncGroupRequest.</summary>
    SyncGroup = 14,
}
