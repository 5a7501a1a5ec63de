namespace Elsa.Sim.Simulation;

/// <summary>The oracle's own account of one member owning one partition without a break, from the assignment callback to
/// the end of the revocation (or the loss, or the member's death), kept beside the host so the checks never trust the
/// host's bookkeeping: where the ownership started (by the oracle's own reading of the committed offset and
/// <c>begin_offset</c>), which offsets its handlers handled or an offset reset legitimately skipped, what was delivered,
/// which acks were legitimately its own, and when its handlers crashed.</summary>
internal sealed class OwnershipEpoch
{
    private readonly List<long> _crashesMs = [];
    private SortedSet<long>? _ahead;
    private List<(long From, long To)>? _excused;

    public OwnershipEpoch(long? committedAtAssignment, long earliestAtAssignment, long latestAtAssignment)
    {
        CommittedAtAssignment = committedAtAssignment;
        EarliestAtAssignment = earliestAtAssignment;
        LatestAtAssignment = latestAtAssignment;
        BaseOffset = committedAtAssignment ?? 0;
        HandledPrefix = BaseOffset;
        Positioned = committedAtAssignment is not null;
    }

    /// <summary>The host's (local) generation the ownership began in, once its group manager heard of it; int.MaxValue
    /// before, so no ack counts as this ownership's until then.</summary>
    public int Generation { get; set; } = int.MaxValue;

    /// <summary>The log start and high watermark when the assignment began: a symbolic start may resolve anywhere from
    /// there to where they are when the host positions the partition.</summary>
    public long EarliestAtAssignment { get; }

    public long LatestAtAssignment { get; }

    /// <summary>The group manager stepped the loss of this partition: nothing may be committed for it any more.</summary>
    public bool Lost { get; set; }

    /// <summary>The group manager completed the revocation of this partition: no later ack is legitimately its own.</summary>
    public bool RevocationCompleted { get; set; }

    /// <summary>Whether the coordinator would have accepted this member's commits when its revocation began.</summary>
    public bool CouldCommitAtRevocation { get; set; }

    /// <summary>The reset policy's own resolution when the position went out of range (the low end of where the reset
    /// may land).</summary>
    public long ResetLowAtOutOfRange { get; set; }

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

    /// <summary>The highest offset of a commit of this ownership that was answered, whatever the answer.</summary>
    public long MaxCommitAnswered { get; set; } = -1;

    /// <summary>The position a worker of this ownership found out of range, until the next worker starts.</summary>
    public long? OutOfRangeAt { get; set; }

    /// <summary>The first worker of an ownership with nothing committed started at <paramref name="baseOffset"/> (the
    /// oracle's own resolution of <c>begin_offset</c>).</summary>
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
