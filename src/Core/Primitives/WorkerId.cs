namespace Elsa.Sim.Core;

/// <summary>Identifies one start of one worker. Every start gets a fresh id, so a message from a dead worker can always be
/// told apart from its successor's.</summary>
public readonly record struct WorkerId(long Value) : IComparable<WorkerId>
{
    /// <inheritdoc />
    public int CompareTo(WorkerId other) => Value.CompareTo(other.Value);

    /// <inheritdoc />
    public override string ToString() => $"w{Value}";
}
