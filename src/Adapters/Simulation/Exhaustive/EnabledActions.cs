using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Every action the bounded world can take from a world, in a fixed order (so the search, and the path it
/// reports, are deterministic): the coordinator's, the producers', then each member's, then the faults while the budget
/// lasts.</summary>
internal static class EnabledActions
{
    public static List<WorldAction> Of(WorldModel model, BoundedWorld world)
    {
        var actions = new List<WorldAction>();
        var coordinator = world.Coordinator;
        var inGroup = WorldModel.InGroup(world);
        if (coordinator.Rebalancing && inGroup.Count > 0 && !world.Members.Any(member => member.AwaitedByRebalance))
        {
            for (int number = 0, count = WorldModel.Assignments(world); number < count; number++)
            {
                actions.Add(new WorldAction(ActionKind.Assign, Index: number));
            }
        }

        for (var p = 0; p < world.Partitions.Count; p++)
        {
            if (world.Partitions[p].End < model.Bounds.Messages)
            {
                actions.Add(new WorldAction(ActionKind.Produce, Index: p));
            }
        }

        for (var m = 0; m < world.Members.Count; m++)
        {
            AddMember(model, world, m, actions);
        }

        if (world.FaultsLeft == 0)
        {
            return actions;
        }

        // Faults. A new rebalance or expulsion waits for the last one to finish: the coordinator runs one at a time.
        var stable = !coordinator.Rebalancing && !world.Members.Any(member => member.AssignmentPending is not null);
        if (stable && inGroup.Count > 0)
        {
            actions.Add(new WorldAction(ActionKind.Rebalance));
        }

        for (var p = 0; p < world.Partitions.Count; p++)
        {
            if (world.Partitions[p].LogStart < world.Partitions[p].End)
            {
                actions.Add(new WorldAction(ActionKind.Retention, Index: p));
            }
        }

        for (var m = 0; m < world.Members.Count; m++)
        {
            var member = world.Members[m];
            for (var i = 0; i < member.Workers.Count; i++)
            {
                if (!member.Workers[i].StopRequested)
                {
                    actions.Add(new WorldAction(ActionKind.CrashWorker, m, i));
                    if (member.Workers[i].Next is not null)
                    {
                        actions.Add(new WorldAction(ActionKind.BogusAck, m, i));
                    }
                }
            }

            if (member.Commits.Count > 0)
            {
                actions.Add(new WorldAction(ActionKind.FailCommit, m));
            }

            if (member.Membership == Membership.InGroup && member.Machine.Phase is ManagerPhase.Active or ManagerPhase.Idle)
            {
                actions.Add(new WorldAction(ActionKind.Shutdown, m));
            }

            // Someone must be left to take the partitions over.
            if (stable && member.Membership == Membership.InGroup && inGroup.Count > 1)
            {
                actions.Add(new WorldAction(ActionKind.Expel, m));
            }
        }

        return actions;
    }

    private static void AddMember(WorldModel model, BoundedWorld world, int m, List<WorldAction> actions)
    {
        var member = world.Members[m];
        // The coordinator's messages to a member arrive in the order sent: an assignment sent before a rebalance began
        // arrives before that rebalance's revocation.
        if (member.AssignmentPending is not null)
        {
            actions.Add(new WorldAction(ActionKind.DeliverAssignment, m));
        }
        else if (member.RevocationPending)
        {
            actions.Add(new WorldAction(ActionKind.DeliverRevocation, m));
        }

        if (member.LossPending)
        {
            actions.Add(new WorldAction(ActionKind.DeliverLoss, m));
        }

        if (member.CallbackPending is not null)
        {
            actions.Add(new WorldAction(ActionKind.ReturnCallback, m));
        }

        if (member.Machine.NextDeadlineMs(model.Machine.Config) is not null)
        {
            actions.Add(new WorldAction(ActionKind.Tick, m));
        }

        for (var i = 0; i < member.Workers.Count; i++)
        {
            var worker = member.Workers[i];
            if (worker.Next is not { } next)
            {
                actions.Add(new WorldAction(ActionKind.PositionWorker, m, i));
            }
            else
            {
                var log = world.Partitions[worker.Partition];
                if (!worker.StopRequested && next < log.LogStart)
                {
                    actions.Add(new WorldAction(ActionKind.OutOfRange, m, i));
                }
                else if (!worker.StopRequested && next < log.End)
                {
                    actions.Add(new WorldAction(ActionKind.DeliverMessage, m, i));
                }

                if (worker.HandledNext < next)
                {
                    actions.Add(new WorldAction(ActionKind.HandleMessage, m, i));
                }
            }

            if (worker.StopRequested)
            {
                actions.Add(new WorldAction(ActionKind.ConfirmStop, m, i));
            }
        }

        if (member.Acks.Count > 0)
        {
            actions.Add(new WorldAction(ActionKind.DeliverAck, m));
        }

        if (member.Commits.Count > 0)
        {
            actions.Add(new WorldAction(ActionKind.AnswerCommit, m));
        }
    }
}
