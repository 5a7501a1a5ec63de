namespace Elsa.Sim.PlantedBugs;

/// <summary>A test-only group manager: the real <see cref="GroupMachine"/> with one known class of consumer-group bug
/// planted in what goes in or comes out of it, in one small, named way, so a suite can prove it finds that bug. The host
/// runs it through its machine seam (the simulator's <c>SimulationOptions.MachineFactory</c>).</summary>
public abstract class PlantedMachine(GroupConfig config) : IGroupMachine
{
    /// <summary>The real machine.</summary>
    protected GroupMachine Inner { get; } = new(config);

    /// <inheritdoc />
    public GroupConfig Config => Inner.Config;

    /// <inheritdoc />
    public abstract Transition Step(GroupState state, GroupEvent @event);

    /// <summary>Steps the real machine with two events in a row, as if they were one.</summary>
    protected Transition Then(Transition first, GroupEvent next)
    {
        var second = Inner.Step(first.State, next);
        return new Transition(second.State, first.Effects.Items.AddRange(second.Effects.Items));
    }

    /// <summary>Takes every worker <paramref name="transition"/> asks to stop as stopped at once, as if each had already
    /// confirmed it.</summary>
    protected Transition StopsTakenAsDone(Transition transition)
    {
        foreach (var stop in transition.Effects.OfType<GroupEffect.StopWorker>().ToArray())
        {
            transition = Then(transition, new GroupEvent.WorkerStopped(stop.Worker));
        }

        return transition;
    }
}
