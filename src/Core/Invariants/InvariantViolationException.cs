namespace Elsa.Sim.Core;

/// <summary>The machine broke one of its own invariants: a bug in the machine (or in a wrapper around it), never a
/// consequence of bad outside input. The message names the one condition that failed, with partition, generation and
/// worker.</summary>
public sealed class InvariantViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InvariantViolationException(string invariant, string detail)
        : base($"invariant '{invariant}' violated: {detail}")
    {
        Invariant = invariant;
        Detail = detail;
    }

    /// <summary>The invariant's short name, for grouping violations by kind.</summary>
    public string Invariant { get; }

    /// <summary>What exactly was wrong.</summary>
    public string Detail { get; }
}
