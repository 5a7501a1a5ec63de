namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a worker asked to stop is taken as stopped at once, so its successor starts while it still runs.</summary>
public sealed class StartsBeforeOldWorkerStopped(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event) => StopsTakenAsDone(Inner.Step(state, @event));
}
