namespace Elsa.Sim.Properties.Tests.Simulation.PlantedBugs;

/// <summary>A test-only wrapper around the real machine that plants one known class of consumer-group bug, so a test can
/// prove the simulator finds it. Each subclass changes what goes in or comes out of the real <see cref="GroupMachine"/>
/// in one small, named way.</summary>
internal abstract class PlantedBug(GroupConfig config) : IGroupMachine
{
    protected GroupMachine Inner { get; } = new(config);

    public GroupConfig Config => Inner.Config;

    public abstract Transition Step(GroupState state, GroupEvent @event);

    /// <summary>Steps the real machine with two events in a row, as if they were one.</summary>
    protected Transition Then(Transition first, GroupEvent next)
    {
        var second = Inner.Step(first.State, next);
        return new Transition(second.State, first.Effects.Items.AddRange(second.Effects.Items));
    }
}
