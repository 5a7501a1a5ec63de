using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.PlantedBugs;

/// <summary>A test-only group manager: the real <see cref="GroupMachine"/> with one known bug planted in what goes in or
/// comes out of it, run by the real host through <c>ElsaConsumer</c>'s internal machine seam, so a test can prove the
/// systematic suite's checks catch that bug.</summary>
internal abstract class PlantedMachine(GroupConfig config) : IGroupMachine
{
    protected GroupMachine Inner { get; } = new(config);

    public GroupConfig Config => Inner.Config;

    public abstract Transition Step(GroupState state, GroupEvent @event);

    /// <summary>Takes every worker <paramref name="transition"/> asks to stop as stopped at once, as if each had already
    /// confirmed it.</summary>
    protected Transition StopsTakenAsDone(Transition transition)
    {
        foreach (var stop in transition.Effects.OfType<GroupEffect.StopWorker>().ToArray())
        {
            var next = Inner.Step(transition.State, new GroupEvent.WorkerStopped(stop.Worker));
            transition = new Transition(next.State, transition.Effects.Items.AddRange(next.Effects.Items));
        }

        return transition;
    }
}
