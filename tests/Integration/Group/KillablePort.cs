using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Port;

namespace Elsa.Sim.Integration.Tests.Group;

/// <summary>A real Confluent.Kafka port that can be "killed": from then on every commit is refused as fenced, so the
/// member dies with whatever it handled since its last commit uncommitted, as a crashed process would.</summary>
internal sealed class KillablePort(IKafkaConsumerPort inner) : IKafkaConsumerPort
{
    private volatile bool _killed;

    public string MemberId => inner.MemberId;

    public void Kill() => _killed = true;

    public void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener) => inner.Subscribe(topics, listener);

    public FetchedMessage? Consume(TimeSpan timeout) => inner.Consume(timeout);

    public IReadOnlyList<long?> Committed(IReadOnlyList<TopicPartition> partitions, TimeSpan timeout) => inner.Committed(partitions, timeout);

    public CommitOutcome Commit(IReadOnlyList<PartitionOffset> offsets) => _killed ? CommitOutcome.Fenced : inner.Commit(offsets);

    public void Seek(TopicPartition partition, long offset) => inner.Seek(partition, offset);

    public void Pause(IReadOnlyList<TopicPartition> partitions) => inner.Pause(partitions);

    public void Resume(IReadOnlyList<TopicPartition> partitions) => inner.Resume(partitions);

    public Watermarks QueryWatermarks(TopicPartition partition, TimeSpan timeout) => inner.QueryWatermarks(partition, timeout);

    public Watermarks? CachedWatermarks(TopicPartition partition) => inner.CachedWatermarks(partition);

    public void Close() => inner.Close();

    public void Dispose() => inner.Dispose();
}
