namespace Elsa.Sim.Simulation;

/// <summary>The group's rebalance protocol.</summary>
public enum RebalanceProtocol
{
    /// <summary>Every member revokes everything before rejoining (the classic protocol).</summary>
    Eager,

    /// <summary>Members keep what they still own; moved partitions are revoked first and reassigned in a second rebalance
    /// (KIP-429, cooperative-sticky).</summary>
    Cooperative,

    /// <summary>KIP-848's consumer protocol (<c>group.protocol=consumer</c>): the coordinator computes each member's
    /// target assignment; members reconcile one by one, incrementally, without a stop-the-world rebalance; commits are
    /// fenced by member epoch.</summary>
    Consumer,
}
