namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a crashed worker restarts at the latest offset instead of after its last ack (Elsa #90).</summary>
public sealed class RestartsAtLatest(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        var effects = transition.Effects.Select(effect =>
            effect is GroupEffect.StartWorker start && transition.State.Partitions[start.Partition].RestartTimesMs.Count > 0
                ? start with { Position = StartPosition.Latest }
                : effect);
        return transition with { Effects = effects.ToValueList() };
    }
}
