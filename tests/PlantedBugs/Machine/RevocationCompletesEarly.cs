namespace Elsa.Sim.PlantedBugs;

/// <summary>A planted race, test-only: on a revocation the machine takes every worker it asks to stop as stopped at
/// once, so it completes the revocation (and the host lets the rebalance go on) while a handler may still be in the
/// middle of a batch. Whether that shows depends on the interleaving: only when the old handler is still running as
/// the new owner's worker starts.</summary>
public sealed class RevocationCompletesEarly(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        return @event is GroupEvent.AssignmentsRevoked or GroupEvent.AssignmentsLost ? StopsTakenAsDone(transition) : transition;
    }
}
