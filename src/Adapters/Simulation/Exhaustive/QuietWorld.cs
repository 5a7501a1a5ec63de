using System.Globalization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What must hold once the world is quiet (nothing but a fault could happen next): the last rebalance finished,
/// and, unless a manager failed or no member is left, every message from each partition's first resolved position was
/// handled at least once, but for those retention deleted and those a legitimate reset skipped (the simulator's "nothing
/// lost").</summary>
internal static class QuietWorld
{
    public static CheckViolation? Check(BoundedWorld world)
    {
        var inGroup = WorldModel.InGroup(world);
        if (world.Coordinator.Rebalancing && inGroup.Count > 0)
        {
            var waiting = inGroup.Where(i => world.Members[i].AwaitedByRebalance);
            return new CheckViolation(ViolationKinds.Liveness,
                $"the world is quiet but the rebalance after generation {world.Coordinator.Generation} never finished: it waits for member(s) {string.Join(", ", waiting)} to complete their revocation");
        }

        // A failed manager stops consuming on purpose (Elsa's fail policy): what it leaves unhandled is not lost by mistake.
        if (inGroup.Count == 0 || world.Members.Any(member => member.Machine.Phase == ManagerPhase.Failed))
        {
            return null;
        }

        for (var p = 0; p < world.Partitions.Count; p++)
        {
            var log = world.Partitions[p];
            // Deleted by retention before anyone read it, or skipped by a legitimate reset: not lost (the oracle's rule).
            var covered = log.Handled | log.SkippedByReset;
            for (var offset = Math.Max(log.RequiredFrom ?? 0, log.LogStart); offset < log.End; offset++)
            {
                if ((covered & MemberStep.Bit(offset)) == 0)
                {
                    return new CheckViolation(ViolationKinds.LostMessage,
                        string.Create(CultureInfo.InvariantCulture, $"the world is quiet but {CheckBounds.PartitionId(p)}@{offset} was never handled (owner: member {world.Coordinator.Owners[p]}, committed: {world.Partitions[p].Committed?.ToString(CultureInfo.InvariantCulture) ?? "nothing"})"));
                }
            }
        }

        return null;
    }
}
