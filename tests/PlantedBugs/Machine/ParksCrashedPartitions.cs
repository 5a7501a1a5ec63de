namespace Elsa.Sim.PlantedBugs;

/// <summary>Bug: a crashed worker is never restarted; its partition is parked at the first crash (a restart budget of
/// zero), so its remaining messages are never handled.</summary>
public sealed class ParksCrashedPartitions(GroupConfig config)
    : PlantedMachine(config with { Restart = config.Restart with { MaxRestarts = 0, WhenExhausted = RestartExhaustedPolicy.ParkPartition } })
{
    public override Transition Step(GroupState state, GroupEvent @event) => Inner.Step(state, @event);
}
