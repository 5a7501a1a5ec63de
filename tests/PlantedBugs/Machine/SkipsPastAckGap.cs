namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: an ack past what was delivered is believed, so the commit skips the gap of messages no worker handled.</summary>
public sealed class SkipsPastAckGap(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        if (@event is GroupEvent.Acked ack &&
            state.Partitions.TryGetValue(new TopicPartitionId(ack.Topic, ack.Partition), out var partition) &&
            partition.Worker is { } worker && partition.LastDeliveredOffset is { } delivered && ack.Offset > delivered)
        {
            var pretend = Inner.Step(state, new GroupEvent.MessagesDelivered(worker, delivered + 1, ack.Offset));
            return Then(pretend, ack);
        }

        return Inner.Step(state, @event);
    }
}
