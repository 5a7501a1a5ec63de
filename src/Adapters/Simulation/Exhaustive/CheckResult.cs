namespace Elsa.Sim.Simulation;

/// <summary>A property the checked world broke: one of <see cref="ViolationKinds"/>, <c>invariant:&lt;name&gt;</c> for
/// the core's, or one of <see cref="CheckViolationKinds"/>.</summary>
/// <param name="Kind">Which property.</param>
/// <param name="Detail">What exactly was wrong: member, partition, generation, offsets.</param>
internal sealed record CheckViolation(string Kind, string Detail)
{
    public override string ToString() => $"{Kind}: {Detail}";
}

/// <summary>The checker's own properties, besides the simulator's <see cref="ViolationKinds"/>.</summary>
internal static class CheckViolationKinds
{
    /// <summary>A manager completed a revocation while a worker of a revoked partition had not confirmed it stopped.</summary>
    public const string RevocationBeforeStop = "revocation-before-stop";
}

/// <summary>What a check found.</summary>
/// <param name="Bounds">The bounds explored.</param>
/// <param name="States">Distinct worlds visited.</param>
/// <param name="Transitions">Actions applied (including those that led back to a world already visited).</param>
/// <param name="MaxDepth">The deepest level of the breadth-first search reached.</param>
/// <param name="Cutoff">What stopped the search before it visited every world within the bounds, if anything.</param>
/// <param name="Wall">How long it took.</param>
/// <param name="Violation">The first violation found, or null.</param>
/// <param name="Path">The shortest schedule that reaches <paramref name="Violation"/> from the initial world; empty when
/// there is none.</param>
internal sealed record CheckResult(
    CheckBounds Bounds, long States, long Transitions, int MaxDepth, CheckCutoff Cutoff, TimeSpan Wall, CheckViolation? Violation, IReadOnlyList<WorldAction> Path)
{
    public bool Passed => Violation is null;
}

/// <summary>What cut a check short.</summary>
internal enum CheckCutoff
{
    /// <summary>Nothing: every world within the bounds was visited (or a violation ended the search).</summary>
    None,

    /// <summary>Worlds at the depth bound still had actions to take.</summary>
    Depth,

    /// <summary>The time limit passed.</summary>
    TimeLimit,

    /// <summary>The check remembered as many worlds as it may (<see cref="CheckBounds.MaxStates"/>).</summary>
    StateLimit,

    /// <summary>The check was cancelled (Ctrl+C).</summary>
    Cancelled,
}
