namespace Elsa.Sim.Simulation;

/// <summary>A simulated run laid out for drawing: one lane per member and one per partition over virtual time, with the
/// run's verdict and, when it failed, where its violation happened. Built from a trace by <see cref="TimelineBuilder"/>,
/// drawn by <see cref="TimelineHtml"/>.</summary>
/// <param name="Title">What the run was: seed, machine, shape.</param>
/// <param name="EndMs">The last moment the trace mentions.</param>
/// <param name="Members">How many members the group had.</param>
/// <param name="Lanes">Member lanes first, then partition lanes in partition order.</param>
/// <param name="Faults">Faults that name neither a member nor a partition (drawn on every lane's axis).</param>
/// <param name="Verdict">"pass", or the violation as the trace recorded it.</param>
/// <param name="Violation">Where the violation happened, or null when the run passed.</param>
internal sealed record RunTimeline(string Title, long EndMs, int Members, IReadOnlyList<TimelineLane> Lanes,
    IReadOnlyList<TimelineMark> Faults, string Verdict, TimelineViolation? Violation);

/// <summary>One row of the drawing.</summary>
/// <param name="Id">A stable id: <c>member:0</c>, <c>partition:topic-0/3</c>.</param>
/// <param name="Label">What the row is called on the page.</param>
/// <param name="Spans">Intervals: a member's generations, a partition's workers (coloured by member).</param>
/// <param name="Marks">Instants: worker starts and stops, acks, commits, faults, a member going down.</param>
internal sealed record TimelineLane(string Id, string Label, IReadOnlyList<TimelineSpan> Spans, IReadOnlyList<TimelineMark> Marks);

/// <summary>An interval on a lane.</summary>
/// <param name="StartMs">Where it begins.</param>
/// <param name="EndMs">Where it ends (the trace's end when it never did).</param>
/// <param name="Member">Which member it belongs to (its colour).</param>
/// <param name="Label">Short text drawn inside when there is room.</param>
/// <param name="Detail">Shown when hovering.</param>
internal sealed record TimelineSpan(long StartMs, long EndMs, int Member, string Label, string Detail);

/// <summary>An instant on a lane.</summary>
/// <param name="AtMs">When.</param>
/// <param name="Kind">What it is; also its CSS class.</param>
/// <param name="Detail">Shown when hovering.</param>
internal sealed record TimelineMark(long AtMs, TimelineMarkKind Kind, string Detail);

/// <summary>The kinds of instants a lane shows.</summary>
internal enum TimelineMarkKind
{
    /// <summary>A worker started on the partition.</summary>
    WorkerStart,

    /// <summary>A worker stopped as asked.</summary>
    WorkerStop,

    /// <summary>A worker crashed.</summary>
    WorkerCrash,

    /// <summary>Acks (several close together are drawn as one).</summary>
    Ack,

    /// <summary>A commit the coordinator accepted.</summary>
    Commit,

    /// <summary>A commit that failed or was fenced.</summary>
    CommitRefused,

    /// <summary>A new generation reached the member.</summary>
    Generation,

    /// <summary>An injected fault.</summary>
    Fault,

    /// <summary>A member process ended (crashed, failed or shut down); its workers and its generation end with it.</summary>
    MemberDown,
}

/// <summary>Where a run's violation happened.</summary>
/// <param name="AtMs">When it was detected.</param>
/// <param name="Text">The violation as the trace recorded it.</param>
/// <param name="LaneIds">The lanes its text names (a partition, a member); empty when it names none.</param>
internal sealed record TimelineViolation(long AtMs, string Text, IReadOnlyList<string> LaneIds);
