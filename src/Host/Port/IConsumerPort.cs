using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Port;

/// <summary>The narrow surface the host needs from a Kafka consumer, whatever is behind it: Confluent.Kafka
/// (Elsa.Sim.Kafka's <c>ConfluentConsumerPort</c>) or the simulated cluster (Elsa.Sim.Simulation), so the code that
/// ships is the code that is explored. Types are the core's (<see cref="TopicPartitionId"/>, <see cref="PartitionOffset"/>,
/// <see cref="CommitOutcome"/>), never a client library's.</summary>
/// <remarks>Threading contract: <see cref="Subscribe"/>, <see cref="ConsumeAsync"/>, <see cref="Seek"/> and
/// <see cref="CloseAsync"/> are called by one caller at a time, the consume loop, and the rebalance listener is called
/// inside <see cref="ConsumeAsync"/> or <see cref="CloseAsync"/>, which return only once it has. <see cref="Pause"/>,
/// <see cref="Resume"/>, <see cref="CommitAsync"/>, <see cref="CommittedAsync"/>, <see cref="QueryWatermarksAsync"/> and
/// <see cref="CachedWatermarks"/> may be called from anywhere, concurrently with <see cref="ConsumeAsync"/>. A port over a
/// blocking client may complete its tasks synchronously; the host never relies on either.</remarks>
public interface IConsumerPort : IDisposable
{
    /// <summary>The member id the group coordinator gave this consumer; empty before it joined.</summary>
    string MemberId { get; }

    /// <summary>Joins the group for <paramref name="topics"/>; rebalances are reported to <paramref name="listener"/>.</summary>
    void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener);

    /// <summary>Waits up to <paramref name="timeout"/> for the next message; null when none came. Rebalance callbacks run
    /// inside this call.</summary>
    /// <exception cref="OffsetOutOfRangeException">When a partition's fetch position is outside its log: the client never
    /// resets it by itself, and fetches that partition again only after the next <see cref="Seek"/>.</exception>
    /// <exception cref="ConsumerPortException">When the client reports an error.</exception>
    ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout);

    /// <summary>The offsets the group has committed for <paramref name="partitions"/> (Kafka's convention: the next offset
    /// to read); null for a partition with no commit.</summary>
    /// <exception cref="ConsumerPortException">When the offsets could not be read.</exception>
    ValueTask<IReadOnlyList<long?>> CommittedAsync(IReadOnlyList<TopicPartitionId> partitions, TimeSpan timeout);

    /// <summary>Commits <paramref name="offsets"/> (Kafka's convention) and says how it went. Never throws for a broker's
    /// refusal: that is the outcome.</summary>
    ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets);

    /// <summary>Moves an assigned partition's fetch position to <paramref name="offset"/>; messages fetched before are
    /// never returned by a later <see cref="ConsumeAsync"/>. A partition stopped by an
    /// <see cref="OffsetOutOfRangeException"/> fetches again from there.</summary>
    /// <exception cref="ConsumerPortException">When the partition is not assigned or the seek failed.</exception>
    void Seek(TopicPartitionId partition, long offset);

    /// <summary>Stops fetching <paramref name="partitions"/>; partitions not assigned are skipped.</summary>
    void Pause(IReadOnlyList<TopicPartitionId> partitions);

    /// <summary>Fetches <paramref name="partitions"/> again; partitions not assigned are skipped.</summary>
    void Resume(IReadOnlyList<TopicPartitionId> partitions);

    /// <summary>Asks the broker for a partition's log start and high watermark.</summary>
    /// <exception cref="ConsumerPortException">When the broker could not be asked.</exception>
    ValueTask<Watermarks> QueryWatermarksAsync(TopicPartitionId partition, TimeSpan timeout);

    /// <summary>The last watermarks the client saw for a partition, without asking the broker; null when unknown.</summary>
    Watermarks? CachedWatermarks(TopicPartitionId partition);

    /// <summary>Leaves the group (rebalance callbacks may run inside this call) and releases the client's connections.</summary>
    ValueTask CloseAsync();
}
