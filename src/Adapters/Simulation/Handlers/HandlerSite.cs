using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>What every handler of one member incarnation shares, handed to them as <c>handler_init_args</c>: the
/// member, the cluster and its oracle, the member's randomness, handler profile and faults, the run's user handler (if
/// any), and the way to ack out of band (<c>ElsaConsumer.Ack</c>, as Elsa's <c>ack/5</c>).</summary>
internal sealed class HandlerSite(
    int member, SimulatedCluster cluster, SimRandom rng, HandlerProfile profile, MemberFaults faults, UserHandler? user,
    ElsaConsumerConfig config, Lifetime lifetime, Action<TopicPartitionId, int, long> ack)
{
    public int Member => member;

    public SimulatedCluster Cluster => cluster;

    public Oracle Oracle => cluster.Oracle;

    public SimRandom Random => rng;

    public HandlerProfile Profile => profile;

    public MemberFaults Faults => faults;

    public UserHandler? User => user;

    public ElsaConsumerConfig Config => config;

    /// <summary>Acks out of band after <paramref name="delayMs"/>, unless the member died meanwhile.</summary>
    public void AckLater(long delayMs, TopicPartitionId partition, int generationId, long offset) =>
        cluster.Clock.After(delayMs, () => ack(partition, generationId, offset), lifetime);
}
