using Confluent.Kafka;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Kafka.Options;
using Elsa.Sim.Kafka.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Elsa.Sim.Kafka.Port;

/// <summary><see cref="IConsumerPort"/> over a Confluent.Kafka <see cref="IConsumer{TKey,TValue}"/> of raw bytes,
/// configured from <see cref="KafkaConsumerOptions"/> (auto commit and auto offset store off; see docs/kafka.md for every
/// property). librdkafka is thread-safe, so the methods the port contract allows from anywhere call straight through;
/// every call completes before it returns.</summary>
/// <remarks>Rebalances: librdkafka runs its callbacks on the polling thread and carries on when they return, so this port
/// waits there, on the consume thread, for the host's listener to complete: the one place the host's work is waited on by
/// blocking a thread, a thread of its own (the host's <c>PoolScheduler.Production</c>).
/// <para>Offset resets: <c>auto.offset.reset</c> is <c>error</c>, so librdkafka never moves a position by itself; an
/// out-of-range fetch surfaces as <see cref="OffsetOutOfRangeException"/> and the group manager applies
/// <c>offset_reset_policy</c>. librdkafka then stops fetching the partition and refuses a seek on it
/// (<c>Local_State</c>), so the next <see cref="Seek"/> of such a partition assigns it again at the new offset:
/// incrementally under the cooperative protocol; under the eager one with a new assignment of every partition, each at
/// the position this port last handed out (its own mirror of the application position, updated by every assignment,
/// seek and consumed message), so nothing is fetched twice or skipped.</para></remarks>
internal sealed class ConfluentConsumerPort : IConsumerPort
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly ILogger _logger;
    private readonly RepeatThrottle _repeats;
    private readonly bool _cooperative;

    // Consume thread only (Consume, Seek, and the rebalance callbacks inside Consume and Close).
    private readonly Dictionary<TopicPartitionId, long> _positions = [];
    private readonly HashSet<TopicPartitionId> _stoppedOutOfRange = [];

    // One partition id (so one topic string) per partition, instead of the client's fresh topic string per message: a
    // message waiting in a prefetch window holds one string less (about 40 B for a short topic name).
    private readonly HashSet<TopicPartitionId> _partitionIds = [];
    private IRebalanceListener? _listener;

    /// <summary>Builds the consumer; it joins the group on <see cref="Subscribe"/>.</summary>
    /// <exception cref="ArgumentException">When librdkafka refuses a property.</exception>
    public ConfluentConsumerPort(KafkaConsumerOptions options, ILogger? logger = null)
        : this(options, logger, new RepeatThrottle(TimeProvider.System, RepeatThrottle.DefaultInterval))
    {
    }

    /// <summary>A port whose repeated problems are summarized by <paramref name="repeats"/> (tests choose its clock).</summary>
    internal ConfluentConsumerPort(KafkaConsumerOptions options, ILogger? logger, RepeatThrottle repeats)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger ?? NullLogger.Instance;
        _repeats = repeats;
        // KIP-848's protocol is incremental, like the cooperative one: partitions are assigned and revoked a few at a time.
        _cooperative = options.AssignmentStrategy == AssignmentStrategy.CooperativeSticky || options.GroupProtocol == ConsumerGroupProtocol.Consumer;
        _consumer = new ConsumerBuilder<byte[], byte[]>(ConfluentConfig.Build(options))
            .SetPartitionsAssignedHandler((_, partitions) => OnAssigned(partitions))
            // The Action forms: Confluent then unassigns by itself, and they are the only forms the cooperative protocol allows.
            .SetPartitionsRevokedHandler((_, partitions) => Listener.OnPartitionsRevokedAsync(Forget(partitions)).AsTask().GetAwaiter().GetResult())
            .SetPartitionsLostHandler((_, partitions) => Listener.OnPartitionsLostAsync(Forget(partitions)).AsTask().GetAwaiter().GetResult())
            .SetErrorHandler((_, error) => OnError(error))
            .SetLogHandler((_, message) => OnLog(message))
            .Build();
    }

    /// <inheritdoc />
    public string MemberId => _consumer.MemberId ?? "";

    private IRebalanceListener Listener => _listener ?? throw new InvalidOperationException("a rebalance arrived before Subscribe");

    /// <inheritdoc />
    public void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener)
    {
        _listener = listener ?? throw new ArgumentNullException(nameof(listener));
        _consumer.Subscribe(topics);
    }

    /// <inheritdoc />
    public ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout) => ValueTask.FromResult(Consume(timeout));

    private FetchedMessage? Consume(TimeSpan timeout)
    {
        ConsumeResult<byte[], byte[]>? result;
        try
        {
            result = _consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (e.Error.Code == ErrorCode.Local_Application && e.InnerException is { } listener)
        {
            // An exception from our own rebalance listener: the host gave up on a rebalance, and says why.
            throw new ConsumerPortException($"a rebalance callback failed: {listener.Message}", isFatal: true, listener);
        }
        catch (ConsumeException e) when (e.Error.Code == ErrorCode.Local_AutoOffsetReset && e.ConsumerRecord is { } refused)
        {
            // auto.offset.reset=error: librdkafka stopped fetching the partition and says where it was.
            var partition = new TopicPartitionId(refused.Topic, refused.Partition.Value);
            _stoppedOutOfRange.Add(partition);
            throw new OffsetOutOfRangeException(partition, refused.Offset.Value, e);
        }
        catch (ConsumeException e)
        {
            throw new ConsumerPortException($"consume failed: {e.Error.Code}: {e.Error.Reason}", e.Error.IsFatal, e);
        }
        catch (KafkaException e)
        {
            throw new ConsumerPortException($"consume failed: {e.Error.Code}: {e.Error.Reason}", e.Error.IsFatal, e);
        }

        if (result is null || result.IsPartitionEOF)
        {
            return null;
        }

        var message = result.Message;
        var fetched = new TopicPartitionId(result.Topic, result.Partition.Value);
        if (!_partitionIds.TryGetValue(fetched, out var known))
        {
            _partitionIds.Add(fetched);
            known = fetched;
        }

        fetched = known;
        _positions[fetched] = result.Offset.Value + 1;
        return new FetchedMessage(
            fetched,
            result.Offset.Value,
            message.Timestamp.UnixTimestampMs,
            message.Key ?? ReadOnlyMemory<byte>.Empty,
            message.Value ?? ReadOnlyMemory<byte>.Empty)
        {
            Headers = KafkaHeaders.FromKafka(message.Headers),
        };
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<long?>> CommittedAsync(IReadOnlyList<TopicPartitionId> partitions, TimeSpan timeout) =>
        ValueTask.FromResult(Committed(partitions, timeout));

    private IReadOnlyList<long?> Committed(IReadOnlyList<TopicPartitionId> partitions, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        List<TopicPartitionOffset> committed;
        try
        {
            committed = _consumer.Committed(partitions.Select(ToKafka), timeout);
        }
        catch (KafkaException e)
        {
            throw new ConsumerPortException($"reading committed offsets failed: {e.Error.Code}: {e.Error.Reason}", e.Error.IsFatal, e);
        }

        var byPartition = committed.ToDictionary(c => c.TopicPartition, c => c.Offset);
        return partitions
            .Select(tp => byPartition.TryGetValue(ToKafka(tp), out var offset) && offset.Value >= 0 ? offset.Value : (long?)null)
            .ToArray();
    }

    /// <inheritdoc />
    public ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets) => ValueTask.FromResult(Commit(offsets));

    private CommitOutcome Commit(IReadOnlyList<PartitionOffset> offsets)
    {
        ArgumentNullException.ThrowIfNull(offsets);
        try
        {
            _consumer.Commit(offsets.Select(o => new TopicPartitionOffset(ToKafka(o.Partition), new Offset(o.NextOffset))));
            return CommitOutcome.Success;
        }
        catch (TopicPartitionOffsetException e)
        {
            var outcome = CommitOutcome.Success;
            foreach (var result in e.Results)
            {
                outcome = CommitOutcomes.Worst(outcome, CommitOutcomes.Classify(result.Error.Code));
            }

            _logger.CommitRefused(e.Error.Code.ToString(), e.Error.Reason, outcome);
            // A failed request with no failed partition is still a failure.
            return outcome == CommitOutcome.Success ? CommitOutcomes.Worst(outcome, CommitOutcomes.Classify(e.Error.Code)) : outcome;
        }
        catch (KafkaException e)
        {
            var outcome = CommitOutcomes.Classify(e.Error.Code);
            _logger.CommitRefused(e.Error.Code.ToString(), e.Error.Reason, outcome);
            return outcome;
        }
    }

    /// <inheritdoc />
    public void Seek(TopicPartitionId partition, long offset)
    {
        try
        {
            if (_stoppedOutOfRange.Remove(partition))
            {
                AssignAgain(partition, offset);
            }
            else
            {
                _consumer.Seek(new TopicPartitionOffset(ToKafka(partition), new Offset(offset)));
            }
        }
        catch (KafkaException e)
        {
            throw new ConsumerPortException($"seek of {partition} to {offset} failed: {e.Error.Code}: {e.Error.Reason}", e.Error.IsFatal, e);
        }

        _positions[partition] = offset;
    }

    /// <summary>Restarts fetching a partition librdkafka stopped after an out-of-range error, where a seek is refused.</summary>
    private void AssignAgain(TopicPartitionId partition, long offset)
    {
        if (_cooperative)
        {
            _consumer.IncrementalUnassign([ToKafka(partition)]);
            _consumer.IncrementalAssign([new TopicPartitionOffset(ToKafka(partition), new Offset(offset))]);
            return;
        }

        // Eager: only a whole new assignment is allowed. Every other partition goes on from where this port last left it.
        _consumer.Assign(_consumer.Assignment.Select(tp =>
        {
            var core = ToCore(tp);
            var at = core == partition ? offset : _positions.TryGetValue(core, out var position) ? position : Offset.Unset.Value;
            return new TopicPartitionOffset(tp, new Offset(at));
        }).ToArray());
    }

    /// <inheritdoc />
    public void Pause(IReadOnlyList<TopicPartitionId> partitions) => PauseOrResume(partitions, pause: true);

    /// <inheritdoc />
    public void Resume(IReadOnlyList<TopicPartitionId> partitions) => PauseOrResume(partitions, pause: false);

    /// <inheritdoc />
    public ValueTask<Watermarks> QueryWatermarksAsync(TopicPartitionId partition, TimeSpan timeout) =>
        ValueTask.FromResult(QueryWatermarks(partition, timeout));

    private Watermarks QueryWatermarks(TopicPartitionId partition, TimeSpan timeout)
    {
        try
        {
            var offsets = _consumer.QueryWatermarkOffsets(ToKafka(partition), timeout);
            return new Watermarks(offsets.Low.Value, offsets.High.Value);
        }
        catch (KafkaException e)
        {
            throw new ConsumerPortException($"watermarks of {partition} unavailable: {e.Error.Code}: {e.Error.Reason}", e.Error.IsFatal, e);
        }
    }

    /// <inheritdoc />
    public Watermarks? CachedWatermarks(TopicPartitionId partition)
    {
        try
        {
            var offsets = _consumer.GetWatermarkOffsets(ToKafka(partition));
            return offsets.Low.Value >= 0 && offsets.High.Value >= 0 ? new Watermarks(offsets.Low.Value, offsets.High.Value) : null;
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public ValueTask CloseAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    private void Close()
    {
        try
        {
            _consumer.Close();
        }
        catch (KafkaException e)
        {
            throw new ConsumerPortException($"close failed: {e.Error.Code}: {e.Error.Reason}", isFatal: false, e.InnerException ?? e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _consumer.Dispose();
        // Repeats since the last summary would otherwise go unsaid.
        foreach (var (kind, summary) in _repeats.Drain())
        {
            SayRepeated(kind, summary);
        }
    }

    private void OnError(Error error)
    {
        // A fatal error ends the client: it happens once and is always said.
        if (error.IsFatal)
        {
            _logger.KafkaError(error.Code.ToString(), error.Reason, isFatal: true);
            return;
        }

        Throttled($"Kafka error {error.Code}", error.Reason, () => _logger.KafkaError(error.Code.ToString(), error.Reason, isFatal: false));
    }

    private void OnLog(LogMessage message)
    {
        var level = LevelOf(message.Level);
        // librdkafka logs a broker failure under FAIL and hands the same failure to the error handler, which says it.
        if (message.Facility == "FAIL" && level >= LogLevel.Error)
        {
            return;
        }

        if (level < LogLevel.Warning)
        {
            _logger.Librdkafka(level, message.Facility, message.Message);
            return;
        }

        Throttled($"librdkafka {message.Facility} {level}", message.Message, () => _logger.Librdkafka(level, message.Facility, message.Message));
    }

    /// <summary>Says the first occurrence of <paramref name="kind"/> with <paramref name="sayFirst"/>, then summarizes its
    /// repeats at most once per interval.</summary>
    private void Throttled(string kind, string text, Action sayFirst)
    {
        var verdict = _repeats.Observe(kind, text);
        if (verdict.Kind == RepeatVerdictKind.First)
        {
            sayFirst();
        }
        else if (verdict.Kind == RepeatVerdictKind.Summary)
        {
            SayRepeated(kind, verdict);
        }
    }

    private void SayRepeated(string kind, RepeatVerdict summary) =>
        _logger.Repeated(kind, summary.Repeats, (long)summary.Over.TotalSeconds, summary.LastText);

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions)
    {
        var starts = Listener.OnPartitionsAssignedAsync(partitions.Select(ToCore).ToArray()).AsTask().GetAwaiter().GetResult();
        foreach (var start in starts)
        {
            _stoppedOutOfRange.Remove(start.Partition);
            if (start.Position is { Kind: StartPositionKind.Offset } at)
            {
                _positions[start.Partition] = at.Offset;
            }
            else
            {
                _positions.Remove(start.Partition);
            }
        }

        return starts.Select(s => new TopicPartitionOffset(ToKafka(s.Partition), ToOffset(s.Position))).ToArray();
    }

    /// <summary>Partitions leave: their positions and out-of-range marks go with them.</summary>
    private TopicPartitionId[] Forget(List<TopicPartitionOffset> partitions)
    {
        var leaving = ToCore(partitions);
        foreach (var partition in leaving)
        {
            _positions.Remove(partition);
            _stoppedOutOfRange.Remove(partition);
        }

        return leaving;
    }

    private void PauseOrResume(IReadOnlyList<TopicPartitionId> partitions, bool pause)
    {
        try
        {
            var kafka = partitions.Select(ToKafka).ToArray();
            if (pause)
            {
                _consumer.Pause(kafka);
            }
            else
            {
                _consumer.Resume(kafka);
            }
        }
        catch (KafkaException e)
        {
            // A partition revoked meanwhile cannot be paused or resumed, and needs neither.
            _logger.PauseResumeSkipped(pause ? "pause" : "resume", string.Join(", ", partitions), e.Error.Reason);
        }
    }

    private static Offset ToOffset(StartPosition? position) => position switch
    {
        null => Offset.Unset,
        { Kind: StartPositionKind.Earliest } => Offset.Beginning,
        { Kind: StartPositionKind.Latest } => Offset.End,
        { } at => new Offset(at.Offset),
    };

    private static TopicPartition ToKafka(TopicPartitionId tp) => new(tp.Topic, new Partition(tp.Partition));

    private static TopicPartitionId ToCore(TopicPartition tp) => new(tp.Topic, tp.Partition.Value);

    private static TopicPartitionId[] ToCore(List<TopicPartitionOffset> partitions) =>
        partitions.Select(p => ToCore(p.TopicPartition)).ToArray();

    private static LogLevel LevelOf(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
