namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a fenced commit is taken as a successful one, so its offsets are never sent again in the new
/// generation and stay uncommitted unless a later ack covers them.</summary>
public sealed class FencedCommitTakenAsDone(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event) =>
        Inner.Step(state, @event is GroupEvent.CommitCompleted { Outcome: CommitOutcome.Fenced } fenced
            ? fenced with { Outcome = CommitOutcome.Success }
            : @event);
}
