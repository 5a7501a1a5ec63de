namespace Elsa.Sim.Simulation;

/// <summary>The simulator's own account of one member owning one partition without a break, kept beside the machine so
/// the checkers never trust the machine's bookkeeping: where the ownership started (by the simulator's own reading of the
/// committed offset and <c>begin_offset</c>), which offsets its workers handled or an offset reset legitimately skipped,
/// what was delivered, which acks were legitimately its own, and when its workers crashed.</summary>
internal sealed class OwnershipEpoch
{
    private readonly List<long> _crashesMs = [];
    private SortedSet<long>? _ahead;
    private List<(long From, long To)>? _excused;

    public OwnershipEpoch(int generation, long? committedAtAssignment)
    {
        Generation = generation;
        CommittedAtAssignment = committedAtAssignment;
        BaseOffset = committedAtAssignment ?? 0;
        HandledPrefix = BaseOffset;
        Positioned = committedAtAssignment is not null;
    }

    /// <summary>The generation the ownership began in.</summary>
    public int Generation { get; }

    /// <summary>What the coordinator had committed when the partition was assigned, or null.</summary>
    public long? CommittedAtAssignment { get; }

    /// <summary>Whether the ownership knows where it started: the committed offset, or its first worker's start.</summary>
    public bool Positioned { get; private set; }

    /// <summary>The offset the ownership started from (Kafka's convention). Before <see cref="Positioned"/>, the committed
    /// offset or 0, which makes any commit but the committed one look premature, as it is.</summary>
    public long BaseOffset { get; private set; }

    /// <summary>Every offset from <see cref="BaseOffset"/> below this was handled by this ownership, or skipped by a
    /// legitimate offset reset.</summary>
    public long HandledPrefix { get; private set; }

    public long MaxDelivered { get; set; } = -1;

    public long MaxLegitimateAck { get; set; } = -1;

    public long MaxCommitSent { get; set; } = -1;

    /// <summary>The position a worker of this ownership found out of range, until the next worker starts.</summary>
    public long? OutOfRangeAt { get; set; }

    /// <summary>The first worker of an ownership with nothing committed started at <paramref name="baseOffset"/> (the
    /// simulator's own resolution of <c>begin_offset</c>).</summary>
    public void Position(long baseOffset)
    {
        BaseOffset = baseOffset;
        HandledPrefix = baseOffset;
        Positioned = true;
    }

    /// <summary>An offset reset landed at <paramref name="to"/>, below where the ownership started (an explicit start past
    /// the end of the log, reset to latest): the ownership now starts there.</summary>
    public void Rebase(long to)
    {
        BaseOffset = Math.Min(BaseOffset, to);
        HandledPrefix = Math.Min(HandledPrefix, to);
    }

    /// <summary>An offset reset skipped <paramref name="from"/>..<paramref name="to"/> - 1 by policy: for commits, they
    /// count as handled.</summary>
    public void Excuse(long from, long to)
    {
        if (to > from)
        {
            (_excused ??= []).Add((from, to));
            Advance();
        }
    }

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

    /// <summary>A worker of this ownership crashed (the simulator's own count, for the restart budget).</summary>
    public void RecordCrash(long nowMs) => _crashesMs.Add(nowMs);

    /// <summary>Whether the workers crashed more than <paramref name="maxRestarts"/> times within some window of
    /// <paramref name="withinMs"/>: the restart budget was really spent. A second of slack covers the few milliseconds a
    /// crash takes to reach the machine, whose clock counts it.</summary>
    public bool SpentRestartBudget(int maxRestarts, long withinMs)
    {
        for (var i = 0; i + maxRestarts < _crashesMs.Count; i++)
        {
            if (_crashesMs[i + maxRestarts] - _crashesMs[i] <= withinMs + 1_000)
            {
                return true;
            }
        }

        return false;
    }

    private void Advance()
    {
        while (true)
        {
            if (_ahead is { Count: > 0 } ahead && ahead.Min <= HandledPrefix)
            {
                var min = ahead.Min;
                ahead.Remove(min);
                HandledPrefix = Math.Max(HandledPrefix, min + 1);
                continue;
            }

            if (_excused?.FindIndex(r => r.From <= HandledPrefix && r.To > HandledPrefix) is >= 0 and var index)
            {
                HandledPrefix = _excused[index].To;
                continue;
            }

            return;
        }
    }
}
