using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Elsa.Sim.Hosting;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Sums one of the consumers' instruments (meter <see cref="ElsaConsumer.MeterName"/>) per value of one tag, so a
/// test reads only its own consumers' measurements while other tests' consumers run beside them.</summary>
internal sealed class InstrumentSums : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _sums = new(StringComparer.Ordinal);

    /// <param name="instrument">The instrument's name, e.g. <c>elsa.consumer.acks</c>.</param>
    /// <param name="byTag">The tag whose values the sums are kept by, e.g. <c>elsa.consumer</c> or <c>elsa.group</c>.</param>
    public InstrumentSums(string instrument, string byTag)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == ElsaConsumer.MeterName && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == byTag && tag.Value is string key)
                {
                    _sums.AddOrUpdate(key, value, (_, sum) => sum + value);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The sum of the measurements tagged <paramref name="tagValue"/>.</summary>
    public long For(string tagValue) => _sums.GetValueOrDefault(tagValue);

    public void Dispose() => _listener.Dispose();
}
