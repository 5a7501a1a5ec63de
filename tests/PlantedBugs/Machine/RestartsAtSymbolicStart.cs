namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a crashed worker that acked nothing restarts at the partition's symbolic <c>begin_offset</c>, resolved
/// again, instead of where the first start landed (Elsa 0.10's "else the original begin offset": with <c>latest</c> it
/// skips what was produced in between).</summary>
public sealed class RestartsAtSymbolicStart(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        var effects = transition.Effects.Select(effect =>
            effect is GroupEffect.StartWorker start && transition.State.Partitions[start.Partition] is { RestartTimesMs.Count: > 0, LastAckedOffset: null } p &&
            p.AssignedPosition.Kind != StartPositionKind.Offset
                ? start with { Position = p.AssignedPosition }
                : effect);
        return transition with { Effects = effects.ToValueList() };
    }
}
