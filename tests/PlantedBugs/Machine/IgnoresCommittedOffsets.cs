namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: an assignment's committed offsets are dropped, so a new owner starts at <c>begin_offset</c> (earliest)
/// and commits offsets below the ones the previous owner committed.</summary>
public sealed class IgnoresCommittedOffsets(GroupConfig config) : PlantedMachine(config)
{
    public override Transition Step(GroupState state, GroupEvent @event) =>
        Inner.Step(state, @event is GroupEvent.AssignmentsReceived received
            ? received with { Assignments = received.Assignments.Select(a => a with { CommittedOffset = null }).ToValueList() }
            : @event);
}
