using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>A real Confluent.Kafka port that can be "killed": from then on every commit is refused as fenced, so the
/// member dies with whatever it handled since its last commit uncommitted, as a crashed process would.</summary>
internal sealed class KillablePort(IConsumerPort inner) : IConsumerPort
{
    private volatile bool _killed;

    public string MemberId => inner.MemberId;

    public void Kill() => _killed = true;

    public void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener) => inner.Subscribe(topics, listener);

    public ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout) => inner.ConsumeAsync(timeout);

    public ValueTask<IReadOnlyList<long?>> CommittedAsync(IReadOnlyList<TopicPartitionId> partitions, TimeSpan timeout) => inner.CommittedAsync(partitions, timeout);

    public ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets) =>
        _killed ? ValueTask.FromResult(CommitOutcome.Fenced) : inner.CommitAsync(offsets);

    public void Seek(TopicPartitionId partition, long offset) => inner.Seek(partition, offset);

    public void Pause(IReadOnlyList<TopicPartitionId> partitions) => inner.Pause(partitions);

    public void Resume(IReadOnlyList<TopicPartitionId> partitions) => inner.Resume(partitions);

    public ValueTask<Watermarks> QueryWatermarksAsync(TopicPartitionId partition, TimeSpan timeout) => inner.QueryWatermarksAsync(partition, timeout);

    public Watermarks? CachedWatermarks(TopicPartitionId partition) => inner.CachedWatermarks(partition);

    public ValueTask CloseAsync() => inner.CloseAsync();

    public void Dispose() => inner.Dispose();
}
