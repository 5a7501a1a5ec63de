using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.PlantedBugs;

/// <summary>Bug: messages are taken as acked as soon as they are delivered, before the handler ran, so with
/// <c>direct_ack</c> they are committed while the handler may still be working on them.</summary>
internal sealed class CommitsBeforeHandling(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        if (@event is not GroupEvent.MessagesDelivered delivered ||
            !transition.State.Workers.TryGetValue(delivered.Worker, out var partition) ||
            transition.State.GenerationId is not { } generation)
        {
            return transition;
        }

        var acked = Inner.Step(transition.State, new GroupEvent.Acked(partition.Topic, partition.Partition, generation, delivered.LastOffset));
        return new Transition(acked.State, transition.Effects.Items.AddRange(acked.Effects.Items));
    }
}
