using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting;

/// <summary>What a consumer's health turns on, read at one moment (<see cref="ElsaConsumer.Status"/>): whether it failed,
/// which partitions are parked, and which have spent their restart budget.</summary>
/// <param name="FailureReason">Why the consumer failed, or null.</param>
/// <param name="ParkedPartitions">Partitions left without a worker until they are reassigned: their restart budget ran
/// out under <see cref="RestartExhaustedPolicy.ParkPartition"/>.</param>
/// <param name="RestartBudgetSpent">Partitions still running that used every restart <see cref="RestartConfig.MaxRestarts"/>
/// allows within <see cref="RestartConfig.WithinMs"/>: one more crash in the window parks them or fails the group.</param>
public sealed record ElsaConsumerStatus(string? FailureReason, IReadOnlyList<TopicPartitionId> ParkedPartitions, IReadOnlyList<TopicPartitionId> RestartBudgetSpent)
{
    /// <summary>The status of a consumer whose group manager is in <paramref name="state"/>; restarts count within the
    /// window that ends at the manager's clock, as the manager counts them.</summary>
    internal static ElsaConsumerStatus Of(GroupState state, RestartConfig restart, string? failureReason)
    {
        // Cannot overflow: the manager's clock starts at 0 and the window is a positive long.
        var windowStartMs = state.NowMs - restart.WithinMs;
        var partitions = state.Partitions.Values.OrderBy(p => p.Partition.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Partition).ToList();
        return new ElsaConsumerStatus(
            failureReason,
            [.. partitions.Where(p => p.Phase == PartitionPhase.Parked).Select(p => p.Partition)],
            [.. partitions.Where(p => p.Phase != PartitionPhase.Parked && Spent(p, restart, windowStartMs)).Select(p => p.Partition)]);
    }

    private static bool Spent(PartitionState partition, RestartConfig restart, long windowStartMs)
    {
        var recent = partition.RestartTimesMs.Count(t => t > windowStartMs);
        return recent > 0 && recent >= restart.MaxRestarts;
    }
}
