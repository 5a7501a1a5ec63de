using System.Collections.Immutable;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>One step of a script's run: the intent, the event it resolved to, whether the spec says the machine must
/// ignore that event, the state before, and the machine's transition.</summary>
public sealed record ScriptStep(int Index, Intent Intent, GroupEvent Event, bool MustBeIgnored, GroupState Before, Transition Transition);

/// <summary>Runs <see cref="EventScript"/>s: resolves each intent against the current state into one event, steps a fresh
/// machine, and hands every step to a check. Any exception, from the machine or from a check, is rethrown as a
/// <see cref="ScriptFailedException"/> that tells the whole story (settings and every event), so a shrunk failure reads
/// as a regression test.</summary>
public static class ScriptRunner
{
    /// <summary>The partitions scripts assign: two subscribed topics, three partitions each.</summary>
    public static ImmutableArray<TopicPartitionId> Universe { get; } =
    [
        new("orders", 0), new("orders", 1), new("orders", 2),
        new("payments", 0), new("payments", 1), new("payments", 2),
    ];

    /// <summary>Runs a script on a fresh machine, calling <paramref name="check"/> after every step.</summary>
    /// <exception cref="ScriptFailedException">When a step or a check throws.</exception>
    public static IReadOnlyList<ScriptStep> Run(EventScript script, Action<ScriptStep>? check = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        var machine = new GroupMachine(script.Settings.ToConfig());
        var resolver = new EventResolver(machine.Config);
        var state = GroupState.Initial;
        var steps = new List<ScriptStep>(script.Intents.Count);
        for (var i = 0; i < script.Intents.Count; i++)
        {
            var intent = script.Intents[i];
            GroupEvent? @event = null;
            var stepped = false;
            try
            {
                @event = resolver.Resolve(intent, state);
                var step = new ScriptStep(i, intent, @event, IgnoreRules.MustBeIgnored(@event, state), state, machine.Step(state, @event));
                steps.Add(step);
                stepped = true;
                check?.Invoke(step);
                resolver.Observe(step);
                state = step.Transition.State;
            }
            catch (Exception ex) when (ex is not ScriptFailedException)
            {
                var story = steps.Select(s => s.Event).ToList();
                if (@event is not null && !stepped)
                {
                    story.Add(@event);
                }

                throw new ScriptFailedException(script.Settings, story, ex);
            }
        }

        return steps;
    }

    /// <summary>Steps a fresh machine through concrete events, returning every transition.</summary>
    public static IReadOnlyList<Transition> Replay(ScriptSettings settings, IEnumerable<GroupEvent> events)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(events);
        var machine = new GroupMachine(settings.ToConfig());
        var state = GroupState.Initial;
        var transitions = new List<Transition>();
        foreach (var @event in events)
        {
            var transition = machine.Step(state, @event);
            transitions.Add(transition);
            state = transition.State;
        }

        return transitions;
    }
}
