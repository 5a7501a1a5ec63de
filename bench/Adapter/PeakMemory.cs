namespace Elsa.Sim.Benchmarks.Adapter;

/// <summary>Samples the managed heap every 20 ms while a run lasts and keeps the largest value seen.</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly Timer _timer;
    private long _peakBytes;

    public PeakMemory() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20));

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
        var now = GC.GetTotalMemory(forceFullCollection: false);
        long seen;
        do
        {
            seen = Interlocked.Read(ref _peakBytes);
        }
        while (now > seen && Interlocked.CompareExchange(ref _peakBytes, now, seen) != seen);
    }
}
