using System.Globalization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

// The bounded world, and what it leaves out
// ------------------------------------------
// Members run the group manager under test (any IGroupMachine, so planted bugs plug in) and nothing else: no host, no
// client, no threads. Around them sits the smallest environment that can deliver every event the manager reacts to:
// one topic of a few partitions, an eager-protocol coordinator (a rebalance revokes everything from every member, waits
// for each revocation to complete, then assigns every partition; every possible assignment is tried), workers that fetch
// one message at a time, handlers that handle one message and ack it, acks and commit answers that travel on their own
// and arrive later (in order, per member), and faults: rebalances, expelling a member (a zombie until it sees the loss),
// worker crashes, bogus acks, retriable commit failures, shutdowns and retention, at most K of them in all. A member that
// shut down leaves only once its commits in flight are answered (as a member's): on Kafka the last-chance OffsetCommit
// goes out before the LeaveGroup on the same connection, so it lands. Retention
// deletes a partition's whole log at once (its start jumps to the high watermark): one choice per partition, and enough
// to leave any reader out of range, so the host's OffsetOutOfRange and the manager's reset per offset_reset_policy are
// reached. Deleting part of a log would add resets to earliest that land below the high watermark, for more choices.
//
// Abstracted away: time (a member's clock jumps to its manager's next deadline, so commit intervals and restart backoffs
// pass but never race each other), fetch windows, batches, prefetch and bytes (one message per delivery), retention of
// part of a log, the cooperative protocol and KIP-848, member crashes and rejoins
// (an expelled or stopped member stays out), callback errors, dead-letter destinations, unknown commit outcomes,
// reordered or duplicated acks, and the host itself (explore and Coyote run the real one).

/// <summary>The rules of the checker's bounded world: its initial state and what each <see cref="WorldAction"/> does
/// to it. Pure: the same world and action always give the same step.</summary>
internal sealed class WorldModel(IGroupMachine machine, CheckBounds bounds)
{
    public IGroupMachine Machine => machine;

    public CheckBounds Bounds => bounds;

    public BoundedWorld Initial() => new(
        Enumerable.Range(0, bounds.Members).Select(_ => new MemberWorld(GroupState.Initial)).ToValueList(),
        Enumerable.Range(0, bounds.Partitions).Select(_ => new BoundedLog(bounds.ProducesDuringRun ? 0 : bounds.Messages)).ToValueList(),
        // The group forms: a rebalance with no revocations to wait for.
        new BoundedCoordinator(0, Rebalancing: true, Enumerable.Repeat(-1, bounds.Partitions).ToValueList()),
        bounds.Faults);

    public WorldStep Apply(BoundedWorld world, WorldAction action)
    {
        var sink = new ViolationSink();
        var m = action.Member;
        var member = m >= 0 ? world.Members[m] : null;
        if (action.IsFault)
        {
            world = world with { FaultsLeft = world.FaultsLeft - 1 };
        }

        string story;
        switch (action.Kind)
        {
            case ActionKind.Assign:
                (world, story) = Assign(world, action.Index);
                break;
            case ActionKind.Produce:
                var log = world.Partitions[action.Index];
                world = world.WithPartition(action.Index, log with { End = log.End + 1 });
                story = $"a producer appends offset {log.End} to {CheckBounds.PartitionId(action.Index)}";
                break;
            case ActionKind.DeliverRevocation:
                story = $"member {m} sees the revocation of all its partitions";
                world = Deliver(world.WithMember(m, member! with { RevocationPending = false }), m, new GroupEvent.AssignmentsRevoked(PartitionSelection.All), sink);
                break;
            case ActionKind.DeliverLoss:
                story = $"member {m} learns it was expelled: all its partitions are lost";
                world = Deliver(world.WithMember(m, member! with { LossPending = false }), m, new GroupEvent.AssignmentsLost(PartitionSelection.All), sink);
                break;
            case ActionKind.DeliverAssignment:
                var assignment = member!.AssignmentPending!;
                story = $"member {m} receives generation {assignment.GenerationId}: {(assignment.Assignments.IsEmpty ? "no partitions" : string.Join(", ", assignment.Assignments.Select(Describe)))}";
                var ownerships = member.Ownerships.Items.RemoveAll(o => assignment.Assignments.Any(a => a.Partition.Partition == o.Partition))
                    .AddRange(assignment.Assignments.Select(a => new Ownership(a.Partition.Partition, assignment.GenerationId) { StartOffset = a.CommittedOffset }));
                world = Deliver(world.WithMember(m, member with { AssignmentPending = null, Ownerships = ownerships }), m,
                    new GroupEvent.AssignmentsReceived($"member-{m}", assignment.GenerationId, assignment.Assignments), sink);
                break;
            case ActionKind.ReturnCallback:
                var callback = member!.CallbackPending!;
                story = $"member {m}'s assignment callback for {callback.Partition} returns ok";
                world = Deliver(world.WithMember(m, member with { CallbackPending = null }), m,
                    new GroupEvent.AssignmentHandlerReturned(callback.Partition, callback.GenerationId, CallbackOutcome.Ok), sink);
                break;
            case ActionKind.Tick:
                var dueMs = member!.Machine.NextDeadlineMs(machine.Config)!.Value;
                story = $"member {m}'s clock reaches its next deadline, {dueMs} ms";
                world = Deliver(world, m, new GroupEvent.Tick(dueMs), sink);
                break;
            case ActionKind.PositionWorker:
                (world, story) = Position(world, m, action.Index, sink);
                break;
            case ActionKind.DeliverMessage:
                var fetching = member!.Workers[action.Index];
                var offset = fetching.Next!.Value;
                story = $"member {m}'s worker {fetching.Id} is given {CheckBounds.PartitionId(fetching.Partition)}@{offset}";
                var receiving = member.OwnershipIndex(fetching.Partition);
                var delivered = receiving < 0 ? member.Ownerships.Items
                    : member.Ownerships.Items.SetItem(receiving, member.Ownerships[receiving] with { DeliveredNext = Math.Max(member.Ownerships[receiving].DeliveredNext, offset + 1) });
                world = world.WithMember(m, member with { Workers = member.Workers.Items.SetItem(action.Index, fetching with { Next = offset + 1 }), Ownerships = delivered });
                world = Deliver(world, m, new GroupEvent.MessagesDelivered(fetching.Id, offset, offset), sink);
                break;
            case ActionKind.HandleMessage:
                (world, story) = Handle(world, m, action.Index);
                break;
            case ActionKind.DeliverAck:
                (world, story) = DeliverAck(world, m, sink);
                break;
            case ActionKind.ConfirmStop:
                var stopped = member!.Workers[action.Index];
                story = $"member {m}'s worker {stopped.Id} of {CheckBounds.PartitionId(stopped.Partition)} confirms it stopped";
                world = Deliver(world.WithMember(m, member with { Workers = member.Workers.Items.RemoveAt(action.Index) }), m, new GroupEvent.WorkerStopped(stopped.Id), sink);
                break;
            case ActionKind.OutOfRange:
                var refused = member!.Workers[action.Index];
                var position = refused.Next!.Value;
                var start = world.Partitions[refused.Partition].LogStart;
                story = $"member {m}'s worker {refused.Id} fetches {CheckBounds.PartitionId(refused.Partition)}@{position}, below the log start {start}: offset out of range";
                world = Deliver(MemberStep.OutOfRange(bounds, world, m, refused.Partition, position), m, new GroupEvent.OffsetOutOfRange(refused.Id, position), sink);
                break;
            case ActionKind.AnswerCommit:
                (world, story) = AnswerCommit(world, m, sink);
                break;
            case ActionKind.FailCommit:
                var failed = member!.Commits[0];
                story = $"FAULT: member {m}'s commit {failed.Offsets} (generation {failed.GenerationId}) fails with a retriable error";
                world = Deliver(world.WithMember(m, member with { Commits = member.Commits.Items.RemoveAt(0) }), m,
                    new GroupEvent.CommitCompleted(failed.GenerationId, failed.Offsets, CommitOutcome.RetriableError), sink);
                world = LeaveOnceAnswered(world, m);
                break;
            case ActionKind.Rebalance:
                story = "FAULT: the coordinator starts a rebalance";
                world = StartRebalance(world);
                break;
            case ActionKind.Expel:
                story = $"FAULT: the coordinator expels member {m} (session timeout) and rebalances the others";
                world = StartRebalance(world.WithMember(m, member! with { Membership = Membership.Expelled, LossPending = true, AwaitedByRebalance = false }));
                break;
            case ActionKind.CrashWorker:
                var crashed = member!.Workers[action.Index];
                story = $"FAULT: member {m}'s worker {crashed.Id} of {CheckBounds.PartitionId(crashed.Partition)} crashes";
                world = Deliver(world.WithMember(m, member with { Workers = member.Workers.Items.RemoveAt(action.Index) }), m,
                    new GroupEvent.WorkerExited(crashed.Id, ExitReason.Crashed("crash")), sink);
                break;
            case ActionKind.BogusAck:
                var bogus = member!.Workers[action.Index];
                var ownership = member.OwnershipIndex(bogus.Partition);
                var past = Math.Max(bogus.Next!.Value, ownership < 0 ? 0 : member.Ownerships[ownership].DeliveredNext);
                var ack = new GroupEvent.Acked(CheckBounds.Topic, bogus.Partition, bogus.GenerationId, past);
                // Past everything delivered to the ownership, and seen at once: what the manager can tell is bogus (an ack of
                // a message delivered to a worker but not handled looks like any other).
                story = $"FAULT: member {m}'s handler on worker {bogus.Id} acks {CheckBounds.PartitionId(bogus.Partition)}@{ack.Offset}, which it was never given";
                world = Deliver(world, m, ack, sink);
                break;
            case ActionKind.Shutdown:
                story = $"FAULT: member {m} is asked to shut down";
                world = Deliver(world, m, new GroupEvent.ShutdownRequested(), sink);
                break;
            case ActionKind.Retention:
                var trimmed = world.Partitions[action.Index];
                story = $"FAULT: retention deletes {CheckBounds.PartitionId(action.Index)} up to its high watermark: the log now starts at {trimmed.End}";
                world = world.WithPartition(action.Index, trimmed with { LogStart = trimmed.End });
                break;
            default:
                throw new System.Diagnostics.UnreachableException($"unknown action {action.Kind}");
        }

        return new WorldStep(world, story, sink.First);
    }

    /// <summary>The member indexes in the group, in order.</summary>
    public static List<int> InGroup(BoundedWorld world) =>
        Enumerable.Range(0, world.Members.Count).Where(i => world.Members[i].Membership == Membership.InGroup).ToList();

    /// <summary>How many assignments of the partitions to the members in the group there are.</summary>
    public static int Assignments(BoundedWorld world) => (int)Math.Pow(InGroup(world).Count, world.Partitions.Count);

    /// <summary>Member <paramref name="m"/> stopped and leaves the group; the others rebalance without it.</summary>
    public BoundedWorld Leave(BoundedWorld world, int m)
    {
        world = world.WithMember(m, world.Members[m] with { Membership = Membership.Left, AwaitedByRebalance = false });
        if (InGroup(world).Count == 0)
        {
            return world with { Coordinator = world.Coordinator with { Rebalancing = false } };
        }

        return world.Coordinator.Rebalancing ? world : StartRebalance(world);
    }

    /// <summary>A leaving member whose last commit in flight was answered leaves.</summary>
    private BoundedWorld LeaveOnceAnswered(BoundedWorld world, int m) =>
        world.Members[m] is { Membership: Membership.Leaving, Commits.Count: 0 } ? Leave(world, m) : world;

    private BoundedWorld Deliver(BoundedWorld world, int m, GroupEvent @event, ViolationSink sink) => MemberStep.Deliver(this, world, m, @event, sink);

    private static BoundedWorld StartRebalance(BoundedWorld world)
    {
        foreach (var i in InGroup(world))
        {
            world = world.WithMember(i, world.Members[i] with { AwaitedByRebalance = true, RevocationPending = true });
        }

        return world with { Coordinator = world.Coordinator with { Rebalancing = true } };
    }

    private static (BoundedWorld, string) Assign(BoundedWorld world, int number)
    {
        var members = InGroup(world);
        var owners = new int[world.Partitions.Count];
        for (int p = 0, rest = number; p < owners.Length; p++, rest /= members.Count)
        {
            owners[p] = members[rest % members.Count];
        }

        var generation = world.Coordinator.Generation + 1;
        foreach (var i in members)
        {
            var assignments = Enumerable.Range(0, owners.Length).Where(p => owners[p] == i)
                .Select(p => new Assignment(CheckBounds.PartitionId(p), world.Partitions[p].Committed)).ToValueList();
            world = world.WithMember(i, world.Members[i] with { AssignmentPending = new PendingAssignment(generation, assignments) });
        }

        var story = $"the coordinator assigns generation {generation}: " +
            string.Join(", ", owners.Select((owner, p) => $"{CheckBounds.PartitionId(p)} to member {owner}"));
        return (world with { Coordinator = new BoundedCoordinator(generation, Rebalancing: false, owners.ToValueList()) }, story);
    }

    private (BoundedWorld, string) Position(BoundedWorld world, int m, int index, ViolationSink sink)
    {
        var worker = world.Members[m].Workers[index];
        var log = world.Partitions[worker.Partition];
        var offset = worker.StartKind == StartPositionKind.Latest ? log.End : log.LogStart;
        var story = $"member {m}'s worker {worker.Id} resolves {worker.StartKind.ToString().ToLowerInvariant()} on {CheckBounds.PartitionId(worker.Partition)} to offset {offset}";
        world = MemberStep.Positioned(bounds, world, m, index, offset);
        return (Deliver(world, m, new GroupEvent.WorkerPositioned(worker.Id, offset), sink), story);
    }

    private static (BoundedWorld, string) Handle(BoundedWorld world, int m, int index)
    {
        var member = world.Members[m];
        var worker = member.Workers[index];
        var offset = worker.HandledNext;
        var bit = MemberStep.Bit(offset);
        var owned = member.OwnershipIndex(worker.Partition);
        var ownerships = owned >= 0 && worker.GenerationId >= member.Ownerships[owned].SinceGeneration
            ? member.Ownerships.Items.SetItem(owned, member.Ownerships[owned] with { Handled = member.Ownerships[owned].Handled | bit })
            : member.Ownerships.Items;
        var ack = new GroupEvent.Acked(CheckBounds.Topic, worker.Partition, worker.GenerationId, offset);
        member = member with
        {
            Workers = member.Workers.Items.SetItem(index, worker with { HandledNext = offset + 1 }),
            Ownerships = ownerships,
            Acks = member.Acks.Add(ack),
        };
        var log = world.Partitions[worker.Partition];
        world = world.WithMember(m, member).WithPartition(worker.Partition, log with { Handled = log.Handled | bit });
        return (world, $"member {m}'s handler on worker {worker.Id} handles {CheckBounds.PartitionId(worker.Partition)}@{offset} and acks it (generation {worker.GenerationId})");
    }

    private (BoundedWorld, string) DeliverAck(BoundedWorld world, int m, ViolationSink sink)
    {
        var member = world.Members[m];
        var ack = member.Acks[0];
        member = member with { Acks = member.Acks.Items.RemoveAt(0) };
        var owned = member.OwnershipIndex(ack.Partition);
        if (owned >= 0 && ack.GenerationId >= member.Ownerships[owned].SinceGeneration)
        {
            member = member with { Ownerships = member.Ownerships.Items.SetItem(owned, member.Ownerships[owned] with { AckedNext = Math.Max(member.Ownerships[owned].AckedNext, ack.Offset + 1) }) };
        }

        var story = string.Create(CultureInfo.InvariantCulture, $"member {m}'s manager sees the ack of {CheckBounds.PartitionId(ack.Partition)}@{ack.Offset} (generation {ack.GenerationId})");
        return (Deliver(world.WithMember(m, member), m, ack, sink), story);
    }

    private (BoundedWorld, string) AnswerCommit(BoundedWorld world, int m, ViolationSink sink)
    {
        var member = world.Members[m];
        var commit = member.Commits[0];
        world = world.WithMember(m, member with { Commits = member.Commits.Items.RemoveAt(0) });
        var coordinator = world.Coordinator;
        // A leaving member's commits went out before its LeaveGroup: the coordinator takes them as a member's.
        var stored = (member.Membership is Membership.InGroup or Membership.Leaving) && commit.GenerationId == coordinator.Generation;
        if (stored)
        {
            foreach (var (tp, next) in commit.Offsets)
            {
                var log = world.Partitions[tp.Partition];
                if (log.Committed is { } committed && next < committed)
                {
                    sink.Report(ViolationKinds.CommitBackwards, $"member {m}'s commit moved {tp} back from {committed} to {next} (generation {commit.GenerationId})");
                }
                else if (coordinator.Owners[tp.Partition] != m)
                {
                    sink.Report(ViolationKinds.CommitByNonOwner, $"member {m} committed {tp}@{next} in generation {commit.GenerationId}, in which member {coordinator.Owners[tp.Partition]} owns it");
                }

                world = world.WithPartition(tp.Partition, log with { Committed = next });
            }
        }

        var outcome = stored ? CommitOutcome.Success : CommitOutcome.Fenced;
        var story = $"the coordinator answers member {m}'s commit {commit.Offsets} (generation {commit.GenerationId}): {outcome.ToString().ToLowerInvariant()}";
        return (sink.First is null ? LeaveOnceAnswered(Deliver(world, m, new GroupEvent.CommitCompleted(commit.GenerationId, commit.Offsets, outcome), sink), m) : world, story);
    }

    private static string Describe(Assignment a) =>
        $"{a.Partition} ({(a.CommittedOffset is { } c ? string.Create(CultureInfo.InvariantCulture, $"committed {c}") : "nothing committed")})";
}
