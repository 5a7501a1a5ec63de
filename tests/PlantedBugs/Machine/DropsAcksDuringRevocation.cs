namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: acks that arrive while a revocation waits for workers to stop are dropped (the bug brod PR #351 fixed).</summary>
public sealed class DropsAcksDuringRevocation(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event) =>
        @event is GroupEvent.Acked ack &&
        state.Partitions.TryGetValue(new TopicPartitionId(ack.Topic, ack.Partition), out var partition) &&
        partition.Phase == PartitionPhase.Revoking
            ? new Transition(state, ValueList<GroupEffect>.Empty)
            : Inner.Step(state, @event);
}
