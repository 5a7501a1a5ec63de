using System.Globalization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Delivers one event to a member's group manager (the real machine or a planted one), checks the step with the
/// core's own invariant checker, and carries out its effects in the world, checking the world-level safety rules as each
/// effect lands: no two live workers for a partition, commits only within what the committing ownership handled and
/// only while it owns the partition, a revocation or shutdown completed only once its workers stopped and (for a
/// revocation) its acks were committed, and no manager believing in a commit the coordinator does not hold.</summary>
internal static class MemberStep
{
    public static BoundedWorld Deliver(WorldModel model, BoundedWorld world, int m, GroupEvent @event, ViolationSink sink)
    {
        var before = world.Members[m].Machine;
        Transition transition;
        try
        {
            transition = model.Machine.Step(before, @event);
            GroupInvariants.Check(before, transition);
        }
        catch (InvariantViolationException e)
        {
            sink.Report($"invariant:{e.Invariant}", $"member {m} on {@event}: {e.Detail}");
            return world;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            sink.Report(ViolationKinds.Crash, $"member {m} on {@event}: {e.GetType().Name}: {e.Message}");
            return world;
        }

        world = world.WithMember(m, world.Members[m] with { Machine = transition.State });
        foreach (var effect in transition.Effects)
        {
            world = Carry(model, world, m, effect, sink);
            if (sink.First is not null)
            {
                return world;
            }
        }

        CheckCommitsStored(world, m, sink);
        return world;
    }

    private static BoundedWorld Carry(WorldModel model, BoundedWorld world, int m, GroupEffect effect, ViolationSink sink)
    {
        var member = world.Members[m];
        switch (effect)
        {
            case GroupEffect.InvokeAssignmentReceived callback:
                return world.WithMember(m, member with { CallbackPending = callback });
            case GroupEffect.StartWorker start:
                return Start(model.Bounds, world, m, start, sink);
            case GroupEffect.StopWorker stop:
                var stopping = member.WorkerIndex(stop.Worker);
                return stopping < 0
                    ? world
                    : world.WithMember(m, member with { Workers = member.Workers.Items.SetItem(stopping, member.Workers[stopping] with { StopRequested = true }) });
            case GroupEffect.CommitOffsets commit:
                return Commit(world, m, commit, sink);
            case GroupEffect.CompleteRevocation completed:
                return CompleteRevocation(world, m, completed, sink);
            case GroupEffect.CompleteShutdown:
                if (member.Workers.Count > 0)
                {
                    sink.Report(ViolationKinds.HandlerOutlivedStop,
                        $"member {m} completed its shutdown while worker {member.Workers[0].Id} of {CheckBounds.PartitionId(member.Workers[0].Partition)} had not confirmed it stopped");
                }

                // The last-chance commit went out before the LeaveGroup, on the same connection: it is answered as a
                // member's first, and the member leaves once its last commit in flight is answered.
                return member.Commits.Count > 0
                    ? world.WithMember(m, member with { Membership = Membership.Leaving })
                    : model.Leave(world, m);
            case GroupEffect.DeadLetter:
                // The checked configurations never dead-letter (the fail and park policies only).
                throw new NotSupportedException("the exhaustive checker does not model dead-letter destinations");
            case GroupEffect.InvokeAssignmentsRevoked or GroupEffect.Diagnostic or GroupEffect.Fail:
                // The revoked callback returns at once; diagnostics and failures change nothing the world sees (a failed
                // manager's workers were asked to stop in the same step).
                return world;
            default:
                throw new System.Diagnostics.UnreachableException($"unknown effect {effect.GetType().Name}");
        }
    }

    private static BoundedWorld Start(CheckBounds bounds, BoundedWorld world, int m, GroupEffect.StartWorker start, ViolationSink sink)
    {
        var p = start.Partition.Partition;
        var zombie = world.Members[m].Membership == Membership.Expelled;
        for (var other = 0; other < world.Members.Count; other++)
        {
            // A zombie's workers may overlap the next owner's until it learns it was expelled: that is the protocol.
            if (world.Members[other].Workers.FirstOrDefault(w => w.Partition == p) is { } running &&
                (other == m || !(zombie || world.Members[other].Membership == Membership.Expelled)))
            {
                sink.Report(ViolationKinds.TwoLiveWorkers,
                    $"member {m} started {start.Worker} for {start.Partition} in generation {start.GenerationId} while member {other}'s {running.Id} (generation {running.GenerationId}) had not stopped");
                return world;
            }
        }

        var worker = new WorkerRun(start.Worker, p, start.GenerationId) { StartKind = start.Position.Kind };
        var member = world.Members[m];
        world = world.WithMember(m, member with { Workers = member.Workers.Add(worker) });
        return start.Position.Kind == StartPositionKind.Offset ? Positioned(bounds, world, m, member.Workers.Count, start.Position.Offset) : world;
    }

    /// <summary>A worker of member <paramref name="m"/> found its position <paramref name="position"/> of
    /// <paramref name="partition"/> below the log's start: the reset it sets off may skip from there to where the policy
    /// points now or later (the simulator's oracle reads it the same way).</summary>
    public static BoundedWorld OutOfRange(CheckBounds bounds, BoundedWorld world, int m, int partition, long position)
    {
        var member = world.Members[m];
        var owned = member.OwnershipIndex(partition);
        // The first refusal counts until its reset lands, as in the oracle: a stale worker's later one moves nothing.
        if (owned < 0 || member.Ownerships[owned].OutOfRangeAt is not null)
        {
            return world;
        }

        var ownership = member.Ownerships[owned] with { OutOfRangeAt = position, ResetLow = world.Partitions[partition].ResetsTo(bounds.ResetPolicy) };
        return world.WithMember(m, member with { Ownerships = member.Ownerships.Items.SetItem(owned, ownership) });
    }

    /// <summary>The worker at <paramref name="index"/> of member <paramref name="m"/> reads from <paramref name="offset"/>
    /// on; the first position of an ownership with nothing committed is where "every message handled" counts from, and the
    /// first after an out-of-range position is where its reset landed.</summary>
    public static BoundedWorld Positioned(CheckBounds bounds, BoundedWorld world, int m, int index, long offset)
    {
        var member = world.Members[m];
        var worker = member.Workers[index];
        member = member with { Workers = member.Workers.Items.SetItem(index, worker with { Next = offset, HandledNext = offset }) };
        var owned = member.OwnershipIndex(worker.Partition);
        var log = world.Partitions[worker.Partition];
        if (owned >= 0 && member.Ownerships[owned].OutOfRangeAt is { } refused)
        {
            // The reset landed. What the policy skips (from the refused position to anywhere between where the policy
            // pointed then and where it points now) is excused; a landing further on skips the rest for real, and one
            // landing before it must handle from there. The oracle's rule, on the world's own reading of the log.
            var ownership = member.Ownerships[owned];
            var target = Math.Clamp(offset, ownership.ResetLow, Math.Max(ownership.ResetLow, log.ResetsTo(bounds.ResetPolicy)));
            var skipped = Bits(refused, target);
            ownership = ownership with
            {
                OutOfRangeAt = null,
                Excused = ownership.Excused | skipped,
                StartOffset = ownership.StartOffset is { } since && target < since ? target : ownership.StartOffset,
            };
            member = member with { Ownerships = member.Ownerships.Items.SetItem(owned, ownership) };
            log = log with
            {
                SkippedByReset = log.SkippedByReset | skipped,
                RequiredFrom = log.RequiredFrom is { } anchor && target < anchor ? target : log.RequiredFrom,
            };
        }
        else if (owned >= 0 && member.Ownerships[owned].StartOffset is null)
        {
            // The first start of an ownership with nothing committed: begin_offset may land anywhere it resolves to, so the
            // messages that must be handled count from here on (the oracle's anchor does the same).
            member = member with { Ownerships = member.Ownerships.Items.SetItem(owned, member.Ownerships[owned] with { StartOffset = offset }) };
            log = log with { RequiredFrom = offset };
        }

        return world.WithMember(m, member).WithPartition(worker.Partition, log with { RequiredFrom = log.RequiredFrom ?? offset });
    }

    private static BoundedWorld Commit(BoundedWorld world, int m, GroupEffect.CommitOffsets commit, ViolationSink sink)
    {
        var member = world.Members[m];
        foreach (var (tp, next) in commit.Offsets)
        {
            var owned = member.OwnershipIndex(tp.Partition);
            if (owned < 0)
            {
                sink.Report(ViolationKinds.CommitAfterRevocation, $"member {m} committed {tp}@{next} in generation {commit.GenerationId}, but it does not own {tp} (its revocation completed, or it was never assigned)");
                return world;
            }

            var ownership = member.Ownerships[owned];
            // What retention deleted or a legitimate reset skipped needs no handling (the oracle's rule).
            var covered = ownership.Handled | ownership.Excused;
            for (var offset = Math.Max(ownership.StartOffset ?? 0, world.Partitions[tp.Partition].LogStart); offset < next; offset++)
            {
                if ((covered & Bit(offset)) == 0)
                {
                    sink.Report(ViolationKinds.CommitPastUnhandled,
                        string.Create(CultureInfo.InvariantCulture, $"member {m} committed {tp}@{next} in generation {commit.GenerationId}, but its ownership (since generation {ownership.SinceGeneration}, from offset {ownership.StartOffset ?? 0}) never handled offset {offset}"));
                    return world;
                }
            }

            member = member with { Ownerships = member.Ownerships.Items.SetItem(owned, ownership with { CommitSent = Math.Max(ownership.CommitSent, next) }) };
        }

        return world.WithMember(m, member with { Commits = member.Commits.Add(commit) });
    }

    private static BoundedWorld CompleteRevocation(BoundedWorld world, int m, GroupEffect.CompleteRevocation completed, ViolationSink sink)
    {
        var member = world.Members[m];
        // A failed or stopped manager only lets the rebalance go on; an expelled member's partitions were lost, and a loss
        // commits nothing.
        var commits = member.Membership != Membership.Expelled && member.Machine.Phase is not (ManagerPhase.Failed or ManagerPhase.Stopped);
        foreach (var tp in completed.Partitions)
        {
            if (member.Workers.FirstOrDefault(w => w.Partition == tp.Partition) is { } running)
            {
                sink.Report(CheckViolationKinds.RevocationBeforeStop, $"member {m} completed the revocation of {tp} while its worker {running.Id} had not confirmed it stopped");
                return world;
            }

            var owned = member.OwnershipIndex(tp.Partition);
            if (owned < 0)
            {
                continue;
            }

            var ownership = member.Ownerships[owned];
            if (commits && ownership.AckedNext > ownership.CommitSent)
            {
                sink.Report(ViolationKinds.RevocationDroppedAcks,
                    string.Create(CultureInfo.InvariantCulture, $"member {m} completed the revocation of {tp} having seen acks up to next offset {ownership.AckedNext} but committed only up to {ownership.CommitSent}"));
                return world;
            }

            member = member with { Ownerships = member.Ownerships.Items.RemoveAt(owned) };
        }

        // Once the member has seen the rebalance's revocation, this completes it: the coordinator stops waiting.
        return world.WithMember(m, member with { AwaitedByRebalance = member.AwaitedByRebalance && member.RevocationPending });
    }

    private static void CheckCommitsStored(BoundedWorld world, int m, ViolationSink sink)
    {
        foreach (var (tp, partition) in world.Members[m].Machine.Partitions)
        {
            if (partition.CommittedOffset is { } believed && tp.Partition < world.Partitions.Count &&
                !(world.Partitions[tp.Partition].Committed is { } stored && stored >= believed))
            {
                sink.Report(ViolationKinds.CommitNotStored,
                    $"member {m} believes {tp}@{believed} is committed; the coordinator holds {(world.Partitions[tp.Partition].Committed?.ToString(CultureInfo.InvariantCulture) ?? "nothing")}");
                return;
            }
        }
    }

    public static ulong Bit(long offset) => offset is >= 0 and < 64 ? 1UL << (int)offset : 0;

    /// <summary>The offsets from <paramref name="from"/> below <paramref name="to"/>, as a bit set.</summary>
    public static ulong Bits(long from, long to)
    {
        var bits = 0UL;
        for (var offset = Math.Max(0, from); offset < Math.Min(to, 64); offset++)
        {
            bits |= Bit(offset);
        }

        return bits;
    }
}
