namespace Elsa.Sim.Simulation;

/// <summary>What a handler throws when the simulator injects a handler exception or a worker crash.</summary>
public sealed class SimulatedFaultException : Exception
{
    /// <summary>A fault named by <paramref name="message"/>.</summary>
    public SimulatedFaultException(string message)
        : base(message)
    {
    }

    /// <summary>A fault named by <paramref name="message"/>, caused by <paramref name="innerException"/>.</summary>
    public SimulatedFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A fault with no message.</summary>
    public SimulatedFaultException()
    {
    }
}
