using System.Diagnostics;
using System.Diagnostics.Metrics;
using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Telemetry;

/// <summary>The adapter's instruments, on the meter <see cref="MeterName"/>. Every measurement carries the group as the
/// <c>elsa.group</c> tag, so several consumers in one process can be told apart.</summary>
internal sealed class KafkaMetrics : IDisposable
{
    /// <summary>The meter's name, to enable in a <see cref="MeterListener"/> or OpenTelemetry.</summary>
    public const string MeterName = "Elsa.Sim.Kafka";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly KeyValuePair<string, object?> _group;
    private readonly Counter<long> _acks;
    private readonly Counter<long> _staleAcks;
    private readonly Counter<long> _commits;
    private readonly Counter<long> _rebalances;
    private readonly Counter<long> _restarts;
    private readonly Counter<long> _diagnostics;
    private readonly Counter<long> _offsetResets;
    private readonly Counter<long> _offsetsSkipped;

    /// <param name="meterFactory">The DI meter factory, or null for a meter of this instance's own.</param>
    /// <param name="group">The consumer group, for the tag.</param>
    /// <param name="lag">Reads each owned partition's lag (high watermark minus committed offset) when observed.</param>
    public KafkaMetrics(IMeterFactory? meterFactory, string group, Func<IEnumerable<(TopicPartition Partition, long Lag)>> lag)
    {
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _group = new("elsa.group", group);
        _acks = _meter.CreateCounter<long>("elsa.consumer.acks", "{ack}", "Acks sent to the group manager (handler results and Ack calls).");
        _staleAcks = _meter.CreateCounter<long>("elsa.consumer.acks.stale", "{ack}", "Acks the group manager ignored as stale (another generation's).");
        _commits = _meter.CreateCounter<long>("elsa.consumer.commits", "{commit}", "Offset commits, by outcome.");
        _rebalances = _meter.CreateCounter<long>("elsa.consumer.rebalances", "{rebalance}", "Rebalance callbacks, by kind (assigned, revoked, lost).");
        _restarts = _meter.CreateCounter<long>("elsa.consumer.worker.restarts", "{restart}", "Workers that crashed and are restarted.");
        _diagnostics = _meter.CreateCounter<long>("elsa.consumer.diagnostics", "{diagnostic}", "Diagnostics from the group manager, by kind.");
        _offsetResets = _meter.CreateCounter<long>("elsa.consumer.offset_resets", "{reset}", "Out-of-range positions reset per offset_reset_policy, once each reset landed.");
        _offsetsSkipped = _meter.CreateCounter<long>("elsa.consumer.offset_resets.skipped", "{offset}",
            "Offsets an offset reset skipped: from the position that was out of range to where the reset landed.");
        var groupTag = _group;
        _meter.CreateObservableGauge("elsa.consumer.lag", () => Observe(lag, groupTag), "{message}",
            "Messages between a partition's committed offset and its high watermark, per owned partition.");
    }

    public void Ack() => _acks.Add(1, _group);

    public void Commit(CommitOutcome outcome) => _commits.Add(1, _group, new("outcome", outcome.ToString()));

    public void Rebalance(string kind) => _rebalances.Add(1, _group, new("kind", kind));

    public void Diagnostic(GroupEffect.Diagnostic diagnostic)
    {
        _diagnostics.Add(1, _group, new("kind", diagnostic.Kind.ToString()));
        switch (diagnostic.Kind)
        {
            case DiagnosticKind.StaleAck:
                _staleAcks.Add(1, _group);
                break;
            case DiagnosticKind.WorkerCrashed:
                _restarts.Add(1, _group);
                break;
            case DiagnosticKind.OffsetReset:
                _offsetResets.Add(1, _group);
                _offsetsSkipped.Add(diagnostic.SkippedOffsets ?? 0, _group);
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

    private static IEnumerable<Measurement<long>> Observe(Func<IEnumerable<(TopicPartition Partition, long Lag)>> lag, KeyValuePair<string, object?> group)
    {
        foreach (var (partition, value) in lag())
        {
            yield return new Measurement<long>(value, new TagList
            {
                group,
                { "topic", partition.Topic },
                { "partition", partition.Partition },
            });
        }
    }
}
