using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>One state of the exhaustive checker's bounded world: every member's group manager state (the core's own
/// values) and the little of the environment the managers can observe. A value: two worlds that compare equal are one
/// state, which is what lets the checker remember where it has been.</summary>
/// <param name="Members">Each member's manager and what its host has under way.</param>
/// <param name="Partitions">Each partition's log and what the coordinator holds for it.</param>
/// <param name="Coordinator">The group coordinator's generation and assignment.</param>
/// <param name="FaultsLeft">How many more faults the world may inject.</param>
internal sealed record BoundedWorld(ValueList<MemberWorld> Members, ValueList<BoundedLog> Partitions, BoundedCoordinator Coordinator, int FaultsLeft)
{
    public BoundedWorld WithMember(int index, MemberWorld member) => this with { Members = Members.Items.SetItem(index, member) };

    public BoundedWorld WithPartition(int index, BoundedLog partition) => this with { Partitions = Partitions.Items.SetItem(index, partition) };
}

/// <summary>Whether a member takes part in the group.</summary>
internal enum Membership
{
    /// <summary>In the group: the coordinator assigns it partitions and waits for its revocations.</summary>
    InGroup,

    /// <summary>Expelled by the coordinator (a session timeout): a zombie until it learns of its loss; never rejoins.</summary>
    Expelled,

    /// <summary>Shut down with commits still in flight: the coordinator answers them as a member's (they went out on the
    /// connection before its LeaveGroup), and the member leaves once the last is answered. Not assigned anything.</summary>
    Leaving,

    /// <summary>Shut down and left the group.</summary>
    Left,
}

/// <summary>A member: its group manager's state and what its host has under way with the world.</summary>
/// <param name="Machine">The group manager's state.</param>
internal sealed record MemberWorld(GroupState Machine)
{
    public Membership Membership { get; init; } = Membership.InGroup;

    /// <summary>The coordinator's rebalance waits for this member's revocation to complete.</summary>
    public bool AwaitedByRebalance { get; init; }

    /// <summary>An eager revocation (of every partition) the coordinator sent and the member has not seen yet.</summary>
    public bool RevocationPending { get; init; }

    /// <summary>A loss (the member was expelled) not seen yet.</summary>
    public bool LossPending { get; init; }

    /// <summary>An assignment the coordinator sent and the member has not seen yet.</summary>
    public PendingAssignment? AssignmentPending { get; init; }

    /// <summary>The assignment callback the manager asked for, not returned yet.</summary>
    public GroupEffect.InvokeAssignmentReceived? CallbackPending { get; init; }

    /// <summary>The workers the manager started that have not ended, in start order.</summary>
    public ValueList<WorkerRun> Workers { get; init; } = ValueList<WorkerRun>.Empty;

    /// <summary>Acks handlers sent that the manager has not seen yet, in the order sent.</summary>
    public ValueList<GroupEvent.Acked> Acks { get; init; } = ValueList<GroupEvent.Acked>.Empty;

    /// <summary>Commits the manager sent that the coordinator has not answered yet, in the order sent.</summary>
    public ValueList<GroupEffect.CommitOffsets> Commits { get; init; } = ValueList<GroupEffect.CommitOffsets>.Empty;

    /// <summary>The partitions this member owns as the world sees it: from the assignment it received to the completion
    /// of their revocation.</summary>
    public ValueList<Ownership> Ownerships { get; init; } = ValueList<Ownership>.Empty;

    /// <summary>Where the ownership of <paramref name="partition"/> is in <see cref="Ownerships"/>; -1 when there is none.</summary>
    public int OwnershipIndex(int partition) => IndexOf(Ownerships, o => o.Partition == partition);

    /// <summary>Where <paramref name="worker"/> is in <see cref="Workers"/>; -1 when it is not there.</summary>
    public int WorkerIndex(WorkerId worker) => IndexOf(Workers, w => w.Id == worker);

    private static int IndexOf<T>(ValueList<T> items, Func<T, bool> match)
    {
        for (var i = 0; i < items.Count; i++)
        {
            if (match(items[i]))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>An assignment on its way to a member.</summary>
internal sealed record PendingAssignment(int GenerationId, ValueList<Assignment> Assignments);

/// <summary>A worker as the world runs it. Messages go one at a time (a batch of one): delivered from
/// <see cref="Next"/>, handled from <see cref="HandledNext"/>.</summary>
/// <param name="Id">The worker id the manager gave it.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="GenerationId">The generation its acks carry.</param>
internal sealed record WorkerRun(WorkerId Id, int Partition, int GenerationId)
{
    /// <summary>The next offset to deliver; null while a symbolic start has not been resolved.</summary>
    public long? Next { get; init; }

    /// <summary>The next delivered offset to handle.</summary>
    public long HandledNext { get; init; }

    /// <summary>The manager asked it to stop; it may still handle what it was given, then confirms.</summary>
    public bool StopRequested { get; init; }

    /// <summary>The symbolic start to resolve, while <see cref="Next"/> is null.</summary>
    public StartPositionKind StartKind { get; init; }
}

/// <summary>One member's ownership of a partition, as the world saw it begin (Kafka's convention for offsets).</summary>
/// <param name="Partition">The partition.</param>
/// <param name="SinceGeneration">The generation that assigned it.</param>
internal sealed record Ownership(int Partition, int SinceGeneration)
{
    /// <summary>Where the ownership's reading began: the committed offset it was assigned at, else where its first worker
    /// started. Nothing below it needs handling by this ownership.</summary>
    public long? StartOffset { get; init; }

    /// <summary>The offsets this ownership's workers handled, as a bit set.</summary>
    public ulong Handled { get; init; }

    /// <summary>One past the highest offset delivered to this ownership's workers.</summary>
    public long DeliveredNext { get; init; }

    /// <summary>One past the highest ack of a handled message of this ownership the manager has seen.</summary>
    public long AckedNext { get; init; }

    /// <summary>The highest offset this member sent in a commit for the partition during the ownership.</summary>
    public long CommitSent { get; init; }

    /// <summary>Offsets a legitimate offset reset of this ownership skipped, as a bit set: a commit may pass them.</summary>
    public ulong Excused { get; init; }

    /// <summary>The position a worker of this ownership found out of range, while the reset it set off has not landed.</summary>
    public long? OutOfRangeAt { get; init; }

    /// <summary>Where the reset policy pointed when the position went out of range: the least a reset may skip to.</summary>
    public long ResetLow { get; init; }
}

/// <summary>A partition: its log (every offset from <see cref="LogStart"/> below <see cref="End"/> is a message) and what
/// the coordinator holds.</summary>
/// <param name="End">The high watermark: how many messages were produced.</param>
internal sealed record BoundedLog(long End)
{
    /// <summary>The first offset retention has not deleted; a fetch below it is out of range.</summary>
    public long LogStart { get; init; }

    /// <summary>Offsets a legitimate offset reset skipped, as a bit set: not lost (the simulator's oracle excuses them).</summary>
    public ulong SkippedByReset { get; init; }

    /// <summary>Where <paramref name="policy"/> puts a reader now.</summary>
    public long ResetsTo(OffsetResetPolicy policy) => policy == OffsetResetPolicy.ResetToEarliest ? LogStart : End;

    /// <summary>The committed offset the coordinator stored; null before any commit.</summary>
    public long? Committed { get; init; }

    /// <summary>Every offset any worker ever handled, as a bit set.</summary>
    public ulong Handled { get; init; }

    /// <summary>Where every message must be handled from (the oracle's "first resolved position"): not only where the
    /// group's first worker started. <see cref="MemberStep.Positioned"/> moves it to where the first worker of every
    /// ownership with nothing committed started (begin_offset may resolve anywhere, each time), lowers it where a reset
    /// landed below it, and otherwise sets it, while unset, where any worker first started.</summary>
    public long? RequiredFrom { get; init; }
}

/// <summary>The group coordinator (the eager protocol): a generation, the partitions' owners in it, and whether a
/// rebalance is under way (revocations sent, the next assignment not yet made).</summary>
/// <param name="Generation">The current generation; 0 before the first assignment.</param>
/// <param name="Rebalancing">A rebalance is under way.</param>
/// <param name="Owners">Each partition's owner (a member index) in the current generation; -1 for none.</param>
internal sealed record BoundedCoordinator(int Generation, bool Rebalancing, ValueList<int> Owners);
