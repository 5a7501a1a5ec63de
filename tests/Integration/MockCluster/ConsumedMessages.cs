using Confluent.Kafka;

namespace Elsa.Sim.Integration.Tests.MockCluster;

/// <summary>What a test's consumer has received: every (partition, offset), duplicates counted.</summary>
internal sealed class ConsumedMessages
{
    private readonly Dictionary<int, List<long>> _offsets = [];

    public int Count { get; private set; }

    public void Add(ConsumeResult<string, string> result)
    {
        if (!_offsets.TryGetValue(result.Partition.Value, out var offsets))
        {
            offsets = [];
            _offsets.Add(result.Partition.Value, offsets);
        }

        offsets.Add(result.Offset.Value);
        Count++;
    }

    /// <summary>The offsets received from <paramref name="partition"/>, in order of arrival.</summary>
    public IReadOnlyList<long> Offsets(int partition) =>
        _offsets.TryGetValue(partition, out var offsets) ? offsets : [];

    /// <summary>Whether every offset in [<paramref name="from"/>, <paramref name="to"/>) of
    /// <paramref name="partition"/> has been received.</summary>
    public bool HasAll(int partition, long from, long to) =>
        to <= from
        || Offsets(partition).Where(offset => offset >= from && offset < to).Distinct().LongCount() == to - from;
}
