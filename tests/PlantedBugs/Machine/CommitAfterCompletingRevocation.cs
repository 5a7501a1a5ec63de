namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a revocation's commit of the revoked partitions' acks is emitted after <c>CompleteRevocation</c>, so the
/// host lets the rebalance go on first and the commit may reach the client after the partitions left it.</summary>
public sealed class CommitAfterCompletingRevocation(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        var effects = transition.Effects.Items;
        if (!effects.Any(e => e is GroupEffect.CompleteRevocation))
        {
            return transition;
        }

        var commitsLast = effects.Where(e => e is not GroupEffect.CommitOffsets).Concat(effects.Where(e => e is GroupEffect.CommitOffsets));
        return transition with { Effects = commitsLast.ToValueList() };
    }
}
