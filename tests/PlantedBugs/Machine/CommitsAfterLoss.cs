namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: when partitions are lost, their pending acks are committed anyway (lost means fenced: nothing may be
/// committed).</summary>
public sealed class CommitsAfterLoss(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        if (@event is not GroupEvent.AssignmentsLost lost || state.GenerationId is not { } generation)
        {
            return transition;
        }

        var offsets = state.Partitions.Values
            .Where(p => (lost.Partitions.IsAll || lost.Partitions.Partitions.Contains(p.Partition)) &&
                        p.LastAckedOffset is { } acked && acked + 1 > (p.CommittedOffset ?? 0))
            .Select(p => new PartitionOffset(p.Partition, p.LastAckedOffset!.Value + 1))
            .ToValueList();
        return offsets.IsEmpty
            ? transition
            : transition with { Effects = transition.Effects.Add(new GroupEffect.CommitOffsets(generation, offsets)) };
    }
}
