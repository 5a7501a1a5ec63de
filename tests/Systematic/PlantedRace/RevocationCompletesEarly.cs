using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.PlantedRace;

/// <summary>A planted race, test-only: on a revocation the machine takes every worker it asks to stop as stopped at
/// once, so it completes the revocation (and the host lets the rebalance go on) while a handler may still be in the
/// middle of a batch. Whether that shows depends on the interleaving: only when the old handler is still running as
/// the new owner's worker starts.</summary>
internal sealed class RevocationCompletesEarly(GroupConfig config) : IGroupMachine
{
    private readonly GroupMachine _inner = new(config);

    public GroupConfig Config => _inner.Config;

    public Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = _inner.Step(state, @event);
        if (@event is not (GroupEvent.AssignmentsRevoked or GroupEvent.AssignmentsLost))
        {
            return transition;
        }

        foreach (var stop in transition.Effects.OfType<GroupEffect.StopWorker>().ToArray())
        {
            var next = _inner.Step(transition.State, new GroupEvent.WorkerStopped(stop.Worker));
            transition = new Transition(next.State, transition.Effects.Items.AddRange(next.Effects.Items));
        }

        return transition;
    }
}
