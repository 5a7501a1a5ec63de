using FsCheck.Xunit;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary><see cref="GroupState.NextDeadlineMs"/> says exactly when time next matters. Each runs on <see
/// cref="EventGen.ScriptsPerProperty"/> generated scripts; a failure prints the replay seed, the shrunk script and
/// every event it resolved to.</summary>
public sealed class DeadlineProperties
{
    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void A_tick_at_the_next_deadline_acts_and_a_tick_before_it_does_not(EventScript script)
    {
        // Hosts sleep until NextDeadlineMs instead of polling: sleeping past work, or waking for nothing, would be a bug.
        var machine = new GroupMachine(script.Settings.ToConfig());
        ScriptRunner.Run(script, step =>
        {
            var state = step.Transition.State;
            bool Acts(long nowMs) =>
                machine.Step(state, new GroupEvent.Tick(nowMs)).Effects.Any(e => e is GroupEffect.StartWorker or GroupEffect.CommitOffsets or GroupEffect.DeadLetter);

            if (state.NextDeadlineMs(machine.Config) is not { } deadline)
            {
                Assert.False(Acts(long.MaxValue), "no deadline, yet a tick at the end of time starts a worker, commits or writes a dead letter");
                return;
            }

            if (!Acts(Math.Max(deadline, state.NowMs)))
            {
                Assert.Fail($"a tick at the deadline {deadline} ms (now {state.NowMs} ms) does nothing");
            }

            if (deadline - 1 >= state.NowMs && Acts(deadline - 1))
            {
                Assert.Fail($"a tick at {deadline - 1} ms, before the deadline {deadline} ms, acts");
            }
        });
    }

    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void The_next_deadline_is_never_in_the_past_after_a_step(EventScript script)
    {
        // A deadline at or before the machine's clock would have a host tick at once, over and over, if the tick did not
        // clear it (a direct-ack retry dropped, a commit timer left behind while idle): whatever is due now must be done by
        // the step that made it due.
        var config = script.Settings.ToConfig();
        ScriptRunner.Run(script, step =>
        {
            var state = step.Transition.State;
            // At the end of time (a tick of long.MaxValue) deadlines saturate there: nothing can come after it.
            if (state.NextDeadlineMs(config) is { } deadline && deadline <= state.NowMs && state.NowMs != long.MaxValue)
            {
                Assert.Fail($"after {step.Event} the next deadline {deadline} ms is not after the machine's clock {state.NowMs} ms");
            }
        });
    }
}
