namespace Elsa.Sim.Simulation;

/// <summary>The simulator's own account of one member owning one partition without a break, kept beside the machine so
/// the checkers never trust the machine's bookkeeping: where the ownership started, which offsets its workers handled,
/// what was delivered, and which acks were legitimately its own.</summary>
internal sealed class OwnershipEpoch(int generation, long baseOffset)
{
    private SortedSet<long>? _ahead;

    /// <summary>The generation the ownership began in.</summary>
    public int Generation { get; } = generation;

    /// <summary>The offset the ownership started from: the committed offset, else the log start at assignment.</summary>
    public long BaseOffset { get; } = baseOffset;

    /// <summary>Every offset from <see cref="BaseOffset"/> below this was handled by this ownership.</summary>
    public long HandledPrefix { get; private set; } = baseOffset;

    public long MaxDelivered { get; set; } = -1;

    public long MaxLegitimateAck { get; set; } = -1;

    public long MaxCommitSent { get; set; } = -1;

    public void MarkHandled(long offset)
    {
        if (offset == HandledPrefix)
        {
            HandledPrefix++;
            Advance();
        }
        else if (offset > HandledPrefix)
        {
            (_ahead ??= []).Add(offset);
        }
    }

    /// <summary>How far the handled prefix reaches, counting messages retention deleted before anyone could handle them
    /// (below <paramref name="logStart"/>) as excused.</summary>
    public long CoveredUpTo(long logStart)
    {
        if (logStart > HandledPrefix)
        {
            HandledPrefix = logStart;
            _ahead?.RemoveWhere(o => o < logStart);
            Advance();
        }

        return HandledPrefix;
    }

    private void Advance()
    {
        while (_ahead is { Count: > 0 } ahead && ahead.Min == HandledPrefix)
        {
            ahead.Remove(HandledPrefix);
            HandledPrefix++;
        }
    }
}
