namespace Elsa.Sim.Simulation;

/// <summary>The result of one action: the next world, the action as a line of a story, and the violation it caused, if
/// any (the next world is then not to be explored further).</summary>
internal readonly record struct WorldStep(BoundedWorld Next, string Story, CheckViolation? Violation);
