namespace Elsa.Sim.Kafka.MockCluster;

/// <summary>Settings of a <see cref="MockKafkaCluster"/> that apply from the moment it starts.</summary>
public sealed record MockClusterOptions
{
    /// <summary>How long the group coordinator waits for more members before it completes the first rebalance of an
    /// empty group (the broker setting <c>group.initial.rebalance.delay.ms</c>). Real brokers and the mock default to
    /// 3,000 ms, which would make every test that starts a group wait three seconds; 100 ms here is enough for
    /// members started together to land in the first generation together.</summary>
    /// <remarks>Later rebalances do not use it: when a member joins a group that is already up, the mock waits for
    /// the members to rejoin for the group's session timeout (the <c>session.timeout.ms</c> its members joined with)
    /// minus one second, so tests that add members one by one should give their consumers a short session
    /// timeout.</remarks>
    public int GroupInitialRebalanceDelayMs { get; init; } = 100;
}
