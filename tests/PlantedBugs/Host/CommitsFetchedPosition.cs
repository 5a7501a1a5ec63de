using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>Host bug: a commit carries the fetch position instead of the acked offset, so it covers messages whose
/// handler has not returned (or has not even been handed them).</summary>
public sealed class CommitsFetchedPosition(IConsumerPort inner) : PlantedPort(inner)
{
    private readonly Dictionary<TopicPartitionId, long> _fetched = [];

    public override async ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout)
    {
        var message = await Inner.ConsumeAsync(timeout);
        if (message is not null)
        {
            _fetched[message.Partition] = Math.Max(_fetched.GetValueOrDefault(message.Partition, -1), message.Offset);
        }

        return message;
    }

    public override ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets) =>
        Inner.CommitAsync([.. offsets.Select(o => o with { NextOffset = Math.Max(o.NextOffset, _fetched.GetValueOrDefault(o.Partition, -1) + 1) })]);
}
