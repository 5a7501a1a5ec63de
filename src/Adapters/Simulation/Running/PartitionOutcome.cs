namespace Elsa.Sim.Simulation;

/// <summary>Where one partition ended up when a run ended: its log, the group's committed offset and which offsets were
/// handled. The handled set is kept in a compact form that makes equality simple: every offset below
/// <see cref="FirstUnhandled"/> was handled at least once, and <see cref="DistinctHandled"/> offsets were handled in all,
/// so the handled set is exactly {0 … FirstUnhandled − 1} when the two are equal. Two outcomes are equal (record
/// equality) when two runs ended in the same place, however many duplicates each saw on the way.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="LogStart">The oldest offset still readable.</param>
/// <param name="HighWatermark">The offset the next produced message would get.</param>
/// <param name="Committed">The group's committed offset, or null when it never committed one.</param>
/// <param name="FirstUnhandled">The lowest offset never handled.</param>
/// <param name="DistinctHandled">How many distinct offsets below the high watermark were handled at least once.</param>
public sealed record PartitionOutcome(string Topic, int Partition, long LogStart, long HighWatermark, long? Committed, long FirstUnhandled, long DistinctHandled)
{
    /// <summary>The outcome of a partition from the offsets handled on it (duplicates allowed, any order); offsets at or
    /// past the high watermark are not counted.</summary>
    public static PartitionOutcome Of(string topic, int partition, long logStart, long highWatermark, long? committed, IEnumerable<long> handled)
    {
        ArgumentNullException.ThrowIfNull(handled);
        var distinct = handled.ToHashSet();
        return Of(topic, partition, logStart, highWatermark, committed, distinct.Contains);
    }

    /// <summary>The outcome of a partition from whether each offset below the high watermark was handled: one pass, no
    /// set, for the simulator, whose history counts handlings per offset.</summary>
    internal static PartitionOutcome Of(string topic, int partition, long logStart, long highWatermark, long? committed, Func<long, bool> wasHandled)
    {
        long? firstUnhandled = null;
        var distinct = 0L;
        for (var offset = 0L; offset < highWatermark; offset++)
        {
            if (wasHandled(offset))
            {
                distinct++;
            }
            else
            {
                firstUnhandled ??= offset;
            }
        }

        return new PartitionOutcome(topic, partition, logStart, highWatermark, committed, firstUnhandled ?? highWatermark, distinct);
    }

    /// <summary>True when the handled set is exactly every offset below the high watermark.</summary>
    public bool HandledExactlyTheLog => FirstUnhandled == HighWatermark && DistinctHandled == HighWatermark;
}
