using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>The sticky assignor both simulated coordinators use: members keep what they claim up to their fair share;
/// the other partitions go to the least loaded. What a member claims over its share is either withheld (the classic
/// cooperative protocol: its owner revokes it in this round and the next round hands it on) or handed on at once (KIP-848:
/// the coordinator's reconciliation makes the new owner wait until the old one has revoked it).</summary>
internal static class StickyAssignor
{
    /// <summary>Each member's partitions, in the order of <paramref name="claims"/>, each list sorted.</summary>
    /// <param name="claims">What each member claims (owns now, or was last assigned).</param>
    /// <param name="all">Every partition of the subscribed topics.</param>
    /// <param name="withholdOverShare">Whether a partition claimed over its claimant's share stays unassigned.</param>
    public static IReadOnlyList<TopicPartitionId>[] Assign(IReadOnlyList<IReadOnlyList<TopicPartitionId>> claims, IReadOnlyList<TopicPartitionId> all,
        bool withholdOverShare)
    {
        var members = claims.Count;
        var claimedBy = new Dictionary<TopicPartitionId, int>();
        for (var m = 0; m < members; m++)
        {
            foreach (var tp in claims[m].Order())
            {
                claimedBy.TryAdd(tp, m);
            }
        }

        var targets = Enumerable.Range(0, members).Select(_ => new List<TopicPartitionId>()).ToArray();
        var share = Enumerable.Range(0, members).Select(m => (all.Count / members) + (m < all.Count % members ? 1 : 0)).ToArray();
        var kept = new HashSet<TopicPartitionId>();
        foreach (var (tp, member) in claimedBy.OrderBy(kv => kv.Key))
        {
            if (targets[member].Count < share[member])
            {
                targets[member].Add(tp);
                kept.Add(tp);
            }
        }

        foreach (var tp in all)
        {
            if (!kept.Contains(tp) && !(withholdOverShare && claimedBy.ContainsKey(tp)))
            {
                var least = Enumerable.Range(0, members).OrderBy(m => targets[m].Count >= share[m] ? 1 : 0).ThenBy(m => targets[m].Count).First();
                targets[least].Add(tp);
            }
        }

        return [.. targets.Select(t => (IReadOnlyList<TopicPartitionId>)[.. t.Order()])];
    }
}
