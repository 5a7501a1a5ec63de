namespace Elsa.Sim.Simulation;

/// <summary>One partition's append-only log, reduced to what consumers can observe: the log start (moved forward by
/// retention) and the high watermark (moved forward by producers). A message is identified by its offset.</summary>
internal sealed class PartitionLog
{
    /// <summary>The oldest offset still readable.</summary>
    public long LogStart { get; private set; }

    /// <summary>The offset the next produced message gets.</summary>
    public long HighWatermark { get; private set; }

    public void Append(int count) => HighWatermark += count;

    /// <summary>Retention: everything below <paramref name="offset"/> is deleted; fetches below it are out of range.</summary>
    public void DeleteBefore(long offset) => LogStart = Math.Clamp(offset, LogStart, HighWatermark);

    public bool InRange(long position) => position >= LogStart && position <= HighWatermark;
}
