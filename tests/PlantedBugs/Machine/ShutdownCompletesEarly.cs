namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: on a shutdown the machine takes every worker it asks to stop as stopped at once, so it completes the
/// shutdown while a handler may still be in the middle of a batch, and the host's stop returns without waiting for it
/// (beyond its bounded patience with handlers that ignore cancellation).</summary>
public sealed class ShutdownCompletesEarly(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        return @event is GroupEvent.ShutdownRequested ? StopsTakenAsDone(transition) : transition;
    }
}
