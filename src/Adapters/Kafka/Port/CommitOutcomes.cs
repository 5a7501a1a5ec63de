using Confluent.Kafka;
using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Port;

/// <summary>Classifies Kafka's commit errors into the core's three outcomes.</summary>
internal static class CommitOutcomes
{
    /// <summary>Fenced: the coordinator refuses this member's generation, so resending in it is pointless. Everything else
    /// (coordinator moving or loading, timeouts, transport) may succeed if sent again — a stale member epoch (KIP-848)
    /// included: the member is still in the group with a newer epoch, which the client stamps on the next commit, and no
    /// rebalance need follow to start a new generation (taken as fenced, it stopped the member's commits for good).</summary>
    public static CommitOutcome Classify(ErrorCode code) => code switch
    {
        ErrorCode.NoError => CommitOutcome.Success,
        ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId or ErrorCode.FencedInstanceId
            or ErrorCode.FencedMemberEpoch or ErrorCode.Local_AssignmentLost => CommitOutcome.Fenced,
        _ => CommitOutcome.RetriableError,
    };

    /// <summary>The outcome to report for a commit whose partitions fared differently: the most pessimistic, because the
    /// core takes one outcome per commit and resending an offset that did land is harmless.</summary>
    public static CommitOutcome Worst(CommitOutcome a, CommitOutcome b) => Severity(a) >= Severity(b) ? a : b;

    private static int Severity(CommitOutcome outcome) => outcome switch
    {
        CommitOutcome.Success => 0,
        CommitOutcome.RetriableError => 1,
        _ => 2,
    };
}
