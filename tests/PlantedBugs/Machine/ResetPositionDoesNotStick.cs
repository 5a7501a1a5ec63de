namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: after an offset reset landed, a crashed worker that acked nothing since restarts at the reset policy's
/// position again (with <c>latest</c>, further on, past what was produced in between) instead of where the reset landed.
/// An ack below the floor is how a reset shows in the state: nothing else moves the floor past the acks.</summary>
public sealed class ResetPositionDoesNotStick(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        var reset = Config.Config.OffsetResetPolicy == OffsetResetPolicy.ResetToEarliest ? StartPosition.Earliest : StartPosition.Latest;
        var effects = transition.Effects.Select(effect =>
            effect is GroupEffect.StartWorker start &&
            transition.State.Partitions[start.Partition] is { RestartTimesMs.Count: > 0, LastAckedOffset: { } acked, RestartFloorOffset: { } floor } &&
            acked + 1 < floor
                ? start with { Position = reset }
                : effect);
        return transition with { Effects = effects.ToValueList() };
    }
}
