namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a revocation completes without stopping the revoked partitions' workers; the machine is told they
/// stopped, while they go on fetching and handing batches to the handler.</summary>
public sealed class RevokesWithoutStoppingWorkers(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        if (@event is not GroupEvent.AssignmentsRevoked)
        {
            return transition;
        }

        var kept = new Transition(transition.State, transition.Effects.Items.RemoveAll(e => e is GroupEffect.StopWorker).ToValueList());
        foreach (var stop in transition.Effects.OfType<GroupEffect.StopWorker>())
        {
            kept = Then(kept, new GroupEvent.WorkerStopped(stop.Worker));
        }

        return kept;
    }
}
