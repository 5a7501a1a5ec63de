namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: the shutdown's last-chance commit carries each partition's last <em>confirmed</em> commit instead of
/// one past its last ack (the partition's two offsets mixed up), wherever a commit was confirmed. Every check made as the
/// commit is sent passes (it is no lower than what the manager believes is committed, and within the acks), and when
/// nothing else is in flight it only re-commits what the coordinator holds. But with an interval commit still in flight,
/// the shutdown commit lands after it and moves the group's committed offset back: only a world in which the shutdown's
/// commit can land sees it.</summary>
public sealed class ShutdownCommitsBelowAcked(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event)
    {
        var transition = Inner.Step(state, @event);
        if (!transition.Effects.Any(e => e is GroupEffect.CompleteShutdown))
        {
            return transition;
        }

        var after = transition.State;
        var effects = transition.Effects.Items;
        var inFlight = after.CommitsInFlight.Items;
        for (var i = 0; i < effects.Length; i++)
        {
            if (effects[i] is GroupEffect.CommitOffsets commit)
            {
                var confirmed = new GroupEffect.CommitOffsets(commit.GenerationId, new ValueList<PartitionOffset>(commit.Offsets.Select(o =>
                    after.Partitions.TryGetValue(o.Partition, out var p) && p.CommittedOffset is { } committed ? o with { NextOffset = committed } : o)));
                effects = effects.SetItem(i, confirmed);
                inFlight = inFlight.Replace(commit, confirmed);
            }
        }

        return new Transition(after with { CommitsInFlight = new ValueList<GroupEffect.CommitOffsets>(inFlight) }, new ValueList<GroupEffect>(effects));
    }
}
