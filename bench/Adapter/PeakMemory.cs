namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>The largest managed heap that survived a garbage collection while a run lasted, read every 20 ms from the
/// runtime's record of the last collection. Not <see cref="GC.GetTotalMemory(bool)"/> without a collection: that counts
/// garbage not yet collected, so it measures the size of the GC's allocation budget (it read 2 MiB on one machine and
/// 80 MiB on another for the same run), not what the consumer keeps.</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;
    private long _peakBytes;

    public PeakMemory()
    {
        // Collect first, so what an earlier run left behind is not counted as this one's.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));
    }

    /// <summary>The peak, in bytes: an upper bound of the live heap, since an older generation may still hold garbage
    /// that only a full collection frees.</summary>
    public long PeakBytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peakBytes);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var last = GC.GetGCMemoryInfo(GCKind.Any);
        var retained = 0L;
        foreach (var generation in last.GenerationInfo)
        {
            retained += generation.SizeAfterBytes;
        }

        long seen;
        do
        {
            seen = Interlocked.Read(ref _peakBytes);
        }
        while (retained > seen && Interlocked.CompareExchange(ref _peakBytes, retained, seen) != seen);
    }
}
