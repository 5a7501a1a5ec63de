namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: an ack from an older generation is taken as one from the current generation (Elsa ignores it).</summary>
public sealed class AcceptsStaleAcks(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event) =>
        @event is GroupEvent.Acked ack && state.GenerationId is { } current && ack.GenerationId < current
            ? Inner.Step(state, ack with { GenerationId = current })
            : Inner.Step(state, @event);
}
