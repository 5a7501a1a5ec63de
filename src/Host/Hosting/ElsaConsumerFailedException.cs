namespace Elsa.Sim.Hosting;

/// <summary>What <see cref="ElsaConsumer.Completion"/> faults with when the consumer failed.</summary>
public sealed class ElsaConsumerFailedException : Exception
{
    /// <summary>Creates the exception for a failure reason.</summary>
    public ElsaConsumerFailedException(string reason)
        : base($"The Elsa consumer failed: {reason}") => Reason = reason;

    /// <summary>Why the consumer failed.</summary>
    public string Reason { get; }
}
