namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: the machine never emits <c>CompleteRevocation</c>, so a revoke callback waits forever and the rebalance
/// never goes on.</summary>
public sealed class RevocationNeverCompletes(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        return transition with { Effects = transition.Effects.Where(e => e is not GroupEffect.CompleteRevocation).ToValueList() };
    }
}
