namespace Elsa.Sim.Simulation;

/// <summary>The ground truth about one partition's messages over a run: how often each offset was handled, when first,
/// and when the last event happened that may legitimately cause a redelivery.</summary>
internal sealed class PartitionHistory
{
    private int[] _handledCount = new int[64];
    private long[] _firstHandledMs = new long[64];

    /// <summary>The last time something happened that may cause duplicates: a crash, revocation, loss, failed commit,
    /// reset or zombie.</summary>
    public long LastCauseMs { get; set; } = -1;

    public long Handled { get; private set; }

    public long Duplicates { get; private set; }

    public int HandledCount(long offset) => offset < _handledCount.Length ? _handledCount[offset] : 0;

    /// <summary>Records one handling; returns false when it is a duplicate with no cause since the first handling.</summary>
    public bool RecordHandled(long offset, long nowMs)
    {
        Grow(offset);
        Handled++;
        if (_handledCount[offset]++ == 0)
        {
            _firstHandledMs[offset] = nowMs;
            return true;
        }

        Duplicates++;
        return LastCauseMs >= _firstHandledMs[offset];
    }

    private void Grow(long offset)
    {
        if (offset < _handledCount.Length)
        {
            return;
        }

        var size = _handledCount.Length;
        while (size <= offset)
        {
            size *= 2;
        }

        Array.Resize(ref _handledCount, size);
        Array.Resize(ref _firstHandledMs, size);
    }
}
