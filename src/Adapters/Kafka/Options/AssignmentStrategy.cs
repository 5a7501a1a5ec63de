namespace Elsa.Sim.Kafka.Options;

/// <summary>How the group divides partitions (librdkafka's <c>partition.assignment.strategy</c>). The first two use the
/// eager protocol, where every rebalance revokes everything; the last uses the cooperative protocol, where only partitions
/// that move are revoked.</summary>
public enum AssignmentStrategy
{
    /// <summary><c>range</c> (eager): Kafka's default.</summary>
    Range,

    /// <summary><c>roundrobin</c> (eager).</summary>
    RoundRobin,

    /// <summary><c>cooperative-sticky</c> (cooperative, incremental).</summary>
    CooperativeSticky,
}
