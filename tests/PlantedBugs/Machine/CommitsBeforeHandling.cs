namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: messages are acked (and so committed) as soon as they are delivered, before the handler ran.</summary>
public sealed class CommitsBeforeHandling(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        if (@event is GroupEvent.MessagesDelivered delivered &&
            transition.State.Workers.TryGetValue(delivered.Worker, out var tp) &&
            transition.State.GenerationId is { } generation)
        {
            return Then(transition, new GroupEvent.Acked(tp.Topic, tp.Partition, generation, delivered.LastOffset));
        }

        return transition;
    }
}
