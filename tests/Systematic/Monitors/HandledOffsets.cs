using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.Monitors;

/// <summary>The offsets of each partition that some handler returned from, and per partition the first offset not yet
/// handled (every offset below it was). Not thread-safe: each owner guards its own.</summary>
internal sealed class HandledOffsets
{
    private readonly Dictionary<TopicPartition, Progress> _partitions = [];

    public void Add(TopicPartition partition, long first, long last)
    {
        if (!_partitions.TryGetValue(partition, out var progress))
        {
            progress = new Progress();
            _partitions[partition] = progress;
        }

        progress.Add(first, last);
    }

    /// <summary>Every offset of <paramref name="partition"/> below this one was handled at least once.</summary>
    public long Prefix(TopicPartition partition) => _partitions.TryGetValue(partition, out var progress) ? progress.Prefix : 0;

    private sealed class Progress
    {
        private readonly HashSet<long> _above = [];

        public long Prefix { get; private set; }

        public void Add(long first, long last)
        {
            for (var offset = first; offset <= last; offset++)
            {
                if (offset >= Prefix)
                {
                    _above.Add(offset);
                }
            }

            while (_above.Remove(Prefix))
            {
                Prefix++;
            }
        }
    }
}
