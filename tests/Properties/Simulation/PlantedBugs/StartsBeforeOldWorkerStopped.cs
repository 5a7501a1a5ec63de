namespace Elsa.Sim.Properties.Tests.Simulation.PlantedBugs;

/// <summary>Bug: a worker asked to stop is taken as stopped at once, so its successor starts while it still runs.</summary>
internal sealed class StartsBeforeOldWorkerStopped(GroupConfig config) : PlantedBug(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        foreach (var stop in transition.Effects.OfType<GroupEffect.StopWorker>().ToArray())
        {
            transition = Then(transition, new GroupEvent.WorkerStopped(stop.Worker));
        }

        return transition;
    }
}
