namespace Elsa.Sim.Simulation;

/// <summary>The ground truth about one partition's messages over a run: how often each offset was handled, when first,
/// when the last event happened that may legitimately cause a redelivery, where the group's reading of the partition is
/// anchored, and which offsets offset resets skipped by policy.</summary>
internal sealed class PartitionHistory
{
    private int[] _handledCount = new int[64];
    private long[] _firstHandledMs = new long[64];
    private List<(long From, long To)>? _skippedByReset;

    /// <summary>The last time something happened that may cause duplicates: a crash, revocation, loss, failed commit,
    /// reset or zombie.</summary>
    public long LastCauseMs { get; set; } = -1;

    /// <summary>Where the group's reading of the partition begins, by the simulator's own resolution: the first start with
    /// nothing committed (again at each such start, since nothing made the earlier one durable), lowered by a reset that
    /// lands below it. Every offset from here to the high watermark must be handled, unless retention or a reset's policy
    /// skipped it. Null until a worker first started.</summary>
    public long? Anchor { get; set; }

    public long Handled { get; private set; }

    public long Duplicates { get; private set; }

    public int HandledCount(long offset) => offset < _handledCount.Length ? _handledCount[offset] : 0;

    /// <summary>An offset reset skipped <paramref name="from"/>..<paramref name="to"/> - 1 by policy.</summary>
    public void SkippedByReset(long from, long to)
    {
        if (to > from)
        {
            (_skippedByReset ??= []).Add((from, to));
        }
    }

    public bool WasSkippedByReset(long offset) => _skippedByReset?.Exists(r => offset >= r.From && offset < r.To) == true;

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
