namespace Elsa.Sim.Testing;

/// <summary>A handler broke a property; the message holds the failing seed and the shrunk story, so any test framework
/// shows them.</summary>
public sealed class HandlerPropertyException : Exception
{
    /// <summary>Creates the exception from a failed check.</summary>
    public HandlerPropertyException(HandlerCheckResult result)
        : base(result?.ToString()) => Result = result ?? throw new ArgumentNullException(nameof(result));

    /// <summary>The failed check.</summary>
    public HandlerCheckResult Result { get; }
}
