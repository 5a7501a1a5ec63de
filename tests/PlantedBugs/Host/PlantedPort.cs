using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.PlantedBugs;

/// <summary>A test-only client port: the real one (the simulated cluster's) with one known bug of a host planted in what
/// passes between the host and its client, so a suite can prove it finds that class of host bug. Forwards everything
/// it does not override.</summary>
public abstract class PlantedPort(IConsumerPort inner) : IConsumerPort
{
    /// <summary>The real port.</summary>
    protected IConsumerPort Inner { get; } = inner;

    /// <inheritdoc />
    public string MemberId => Inner.MemberId;

    /// <inheritdoc />
    public virtual void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener) => Inner.Subscribe(topics, listener);

    /// <inheritdoc />
    public virtual ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout) => Inner.ConsumeAsync(timeout);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<long?>> CommittedAsync(IReadOnlyList<TopicPartitionId> partitions, TimeSpan timeout) =>
        Inner.CommittedAsync(partitions, timeout);

    /// <inheritdoc />
    public virtual ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets) => Inner.CommitAsync(offsets);

    /// <inheritdoc />
    public virtual void Seek(TopicPartitionId partition, long offset) => Inner.Seek(partition, offset);

    /// <inheritdoc />
    public void Pause(IReadOnlyList<TopicPartitionId> partitions) => Inner.Pause(partitions);

    /// <inheritdoc />
    public virtual void Resume(IReadOnlyList<TopicPartitionId> partitions) => Inner.Resume(partitions);

    /// <inheritdoc />
    public ValueTask<Watermarks> QueryWatermarksAsync(TopicPartitionId partition, TimeSpan timeout) => Inner.QueryWatermarksAsync(partition, timeout);

    /// <inheritdoc />
    public Watermarks? CachedWatermarks(TopicPartitionId partition) => Inner.CachedWatermarks(partition);

    /// <inheritdoc />
    public ValueTask CloseAsync() => Inner.CloseAsync();

    /// <inheritdoc />
    public void Dispose()
    {
        Inner.Dispose();
        GC.SuppressFinalize(this);
    }
}
