using System.Diagnostics;
using System.Diagnostics.Metrics;
using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Telemetry;

/// <summary>The host's instruments, on the meter <see cref="MeterName"/>. Every measurement carries the consumer's name
/// as the <c>elsa.consumer</c> tag and its group as the <c>elsa.group</c> tag, so several consumers in one process can be
/// told apart, also two of one group.</summary>
internal sealed class ConsumerMetrics : IDisposable
{
    /// <summary>The meter's name, to enable in a <see cref="MeterListener"/> or OpenTelemetry.</summary>
    public const string MeterName = "Elsa.Sim";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly TagList _tags;
    private readonly Counter<long> _acks;
    private readonly Counter<long> _staleAcks;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _rebalances;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _diagnostics;
    private readonly Counter<long> _offsetResets;
    private readonly Counter<long> _offsetsSkipped;
    private readonly UpDownCounter<long> _paused;

    /// <param name="meterFactory">The DI meter factory, or null for a meter of this instance's own.</param>
    /// <param name="consumer">The consumer's name (<see cref="ElsaConsumerOptions.Name"/>), for the tag.</param>
    /// <param name="group">The consumer group, for the tag.</param>
    /// <param name="lag">Reads each owned partition's lag (high watermark minus committed offset) when observed.</param>
    public ConsumerMetrics(IMeterFactory? meterFactory, string consumer, string group, Func<IEnumerable<(TopicPartitionId Partition, long Lag)>> lag)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _tags = new TagList { { "elsa.consumer", consumer }, { "elsa.group", group } };
        _acks = _meter.CreateCounter<long>("elsa.consumer.acks", "{ack}", "Acks sent to the group manager (handler results and Ack calls).");
        _staleAcks = _meter.CreateCounter<long>("elsa.consumer.acks.stale", "{ack}", "Acks the group manager ignored as stale (another generation's).");
        _commits = _meter.CreateCounter<long>("elsa.consumer.commits", "{commit}", "Offset commits, by outcome.");
        _rebalances = _meter.CreateCounter<long>("elsa.consumer.rebalances", "{rebalance}", "Rebalance callbacks, by kind (assigned, revoked, lost).");
        _restarts = _meter.CreateCounter<long>("elsa.consumer.worker.restarts", "{restart}", "Workers that crashed and are restarted.");
        _diagnostics = _meter.CreateCounter<long>("elsa.consumer.diagnostics", "{diagnostic}", "Diagnostics from the group manager, by kind.");
        _offsetResets = _meter.CreateCounter<long>("elsa.consumer.offset_resets", "{reset}", "Out-of-range positions reset per offset_reset_policy, once each reset landed.");
        _offsetsSkipped = _meter.CreateCounter<long>("elsa.consumer.offset_resets.skipped", "{offset}",
            "Offsets an offset reset skipped: from the position that was out of range to where the reset landed.");
        _paused = _meter.CreateUpDownCounter<long>("elsa.consumer.partitions.paused", "{partition}",
            "Partitions whose prefetch window is full, so their fetching is paused (back-pressure).");
        var tags = _tags;
        _meter.CreateObservableGauge("elsa.consumer.lag", () => Observe(lag, tags), "{message}",
            "Messages between a partition's committed offset and its high watermark, per owned partition.");
    }

    public void Ack() => _acks.Add(1, _tags);

    /// <summary>A prefetch window filled and paused its partition (+1), or stopped holding it paused (−1).</summary>
    public void Paused(bool paused) => _paused.Add(paused ? 1 : -1, _tags);

    public void Commit(CommitOutcome outcome) => _commits.Add(1, With("outcome", outcome.ToString()));

    public void Rebalance(string kind) => _rebalances.Add(1, With("kind", kind));

    public void Diagnostic(GroupEffect.Diagnostic diagnostic)
    {
        _diagnostics.Add(1, With("kind", diagnostic.Kind.ToString()));
        switch (diagnostic.Kind)
        {
            case DiagnosticKind.StaleAck:
                _staleAcks.Add(1, _tags);
                break;
            case DiagnosticKind.WorkerCrashed:
                _restarts.Add(1, _tags);
                break;
            case DiagnosticKind.OffsetReset:
                _offsetResets.Add(1, _tags);
                _offsetsSkipped.Add(diagnostic.SkippedOffsets ?? 0, _tags);
                break;
            default:
                break;
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private TagList With(string key, object? value)
    {
        var tags = _tags;
        tags.Add(key, value);
        return tags;
    }

    private static IEnumerable<Measurement<long>> Observe(Func<IEnumerable<(TopicPartitionId Partition, long Lag)>> lag, TagList consumer)
    {
        foreach (var (partition, value) in lag())
        {
            var tags = consumer;
            tags.Add("topic", partition.Topic);
            tags.Add("partition", partition.Partition);
            yield return new Measurement<long>(value, tags);
        }
    }
}
