namespace Elsa.Sim.Hosting;

/// <summary>The consumer failed and is shutting down: the group manager emitted <c>Fail</c> (an assignment callback
/// failed, a restart budget ran out), or the Kafka client or a rebalance gave up.</summary>
public sealed class ElsaConsumerFailedEventArgs(string reason) : EventArgs
{
    /// <summary>Why.</summary>
    public string Reason { get; } = reason;
}
