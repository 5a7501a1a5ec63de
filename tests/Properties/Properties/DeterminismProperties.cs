using FsCheck.Xunit;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>The core is a function of its inputs: the same events give the same states, effects and state hashes. Each
/// runs on <see cref="EventGen.ScriptsPerProperty"/> generated scripts; a failure prints the replay seed, the shrunk
/// script and every event it resolved to.</summary>
public sealed class DeterminismProperties
{
    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void Replaying_the_same_events_gives_equal_states_effects_and_state_hashes(EventScript script)
    {
        var steps = ScriptRunner.Run(script);
        var replayed = ScriptRunner.Replay(script.Settings, steps.Select(s => s.Event));

        Assert.Equal(steps.Count, replayed.Count);
        for (var i = 0; i < steps.Count; i++)
        {
            var (first, again) = (steps[i].Transition, replayed[i]);
            if (!first.State.Equals(again.State) || first.State.GetHashCode() != again.State.GetHashCode() || first.Effects != again.Effects)
            {
                throw new ScriptFailedException(
                    script.Settings,
                    steps.Take(i + 1).Select(s => s.Event).ToList(),
                    new InvalidOperationException($"step {i + 1} replayed differently:{Environment.NewLine}first:  {first}{Environment.NewLine}replay: {again}"));
            }
        }
    }
}
