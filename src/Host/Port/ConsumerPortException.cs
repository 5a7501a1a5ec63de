namespace Elsa.Sim.Hosting.Port;

/// <summary>The Kafka client reported an error. <see cref="IsFatal"/> says whether the consumer can go on: a fatal error
/// ends the host, any other is logged and consumption continues.</summary>
public class ConsumerPortException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConsumerPortException(string message, bool isFatal, Exception? innerException = null)
        : base(message, innerException) => IsFatal = isFatal;

    /// <summary>True when the consumer cannot be used any more.</summary>
    public bool IsFatal { get; }
}
