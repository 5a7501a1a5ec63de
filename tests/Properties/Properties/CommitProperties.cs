using FsCheck.Xunit;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>Commits only move forward within an ownership, and a shutdown commits every ack once the world behaves.
/// Each runs on <see cref="EventGen.ScriptsPerProperty"/> generated scripts; a failure prints the replay seed, the
/// shrunk script and every event it resolved to.</summary>
public sealed class CommitProperties
{
    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void Committed_and_sent_offsets_never_decrease_while_a_partition_is_owned(EventScript script)
    {
        // Per ownership (partition, generation it was assigned in): the highest offset confirmed, and the highest sent.
        var confirmed = new Dictionary<(TopicPartitionId, int), long>();
        var sent = new Dictionary<(TopicPartitionId, int), long>();
        ScriptRunner.Run(script, step =>
        {
            var (before, after) = (step.Before, step.Transition.State);
            if (ReferenceEquals(before, after))
            {
                return; // nothing changed, nothing was sent (a commit always records what it sent)
            }

            foreach (var effect in step.Transition.Effects.OfType<GroupEffect.CommitOffsets>())
            {
                foreach (var (tp, next) in effect.Offsets)
                {
                    var owner = after.Partitions.TryGetValue(tp, out var now) ? now : before.Partitions[tp];
                    var key = (tp, owner.OwnedSinceGeneration);
                    if (sent.TryGetValue(key, out var highest) && next < highest)
                    {
                        Assert.Fail($"{tp} (owned since generation {key.OwnedSinceGeneration}) was sent {highest}, now {next}");
                    }

                    sent[key] = next;
                }
            }

            foreach (var p in after.Partitions.Values)
            {
                var key = (p.Partition, p.OwnedSinceGeneration);
                if (confirmed.TryGetValue(key, out var highest) && !(p.CommittedOffset >= highest))
                {
                    Assert.Fail($"{p.Partition} (owned since generation {key.OwnedSinceGeneration}) had {highest} committed, now {p.CommittedOffset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "nothing"}");
                }

                if (p.CommittedOffset is { } committed)
                {
                    confirmed[key] = committed;
                }
            }

            // What get_committed_offsets reports is exactly what the partitions hold.
            foreach (var topic in Topics)
            {
                var expected = after.Partitions.Values
                    .Where(p => p.Partition.Topic == topic && p.CommittedOffset is not null)
                    .Select(p => new PartitionOffset(p.Partition, p.CommittedOffset!.Value));
                var reported = after.CommittedOffsets(topic);
                if (!expected.SequenceEqual(reported))
                {
                    Assert.Fail($"committed offsets of {topic}: [{string.Join(", ", reported)}], partitions hold [{string.Join(", ", expected)}]");
                }
            }
        });
    }

    [Property(MaxTest = EventGen.ScriptsPerProperty, Arbitrary = [typeof(EventGen)])]
    public void Once_the_world_behaves_a_shutdown_completes_and_commits_every_ack(EventScript script)
    {
        var steps = ScriptRunner.Run(script);
        var machine = new GroupMachine(script.Settings.ToConfig());
        var state = steps.Count > 0 ? steps[^1].Transition.State : GroupState.Initial;
        var phase = state.Phase;
        var effects = new List<GroupEffect>();
        var drain = new List<GroupEvent> { new GroupEvent.ShutdownRequested() };
        for (var i = 0; i < drain.Count; i++)
        {
            var transition = machine.Step(state, drain[i]);
            GroupInvariants.Check(state, transition);
            effects.AddRange(transition.Effects);
            state = transition.State;
            if (state.CallbackInFlight is { } callback)
            {
                drain.Add(new GroupEvent.AssignmentHandlerReturned(callback.Partition, callback.GenerationId, CallbackOutcome.Ok));
            }
            else if (state.Workers.Count > 0)
            {
                drain.Add(new GroupEvent.WorkerStopped(state.Workers.Keys.First()));
            }
        }

        Assert.Empty(state.Workers);
        Assert.Null(state.PendingRevocation);
        Assert.Null(state.CallbackInFlight);
        if (phase is ManagerPhase.Failed)
        {
            Assert.Equal(ManagerPhase.Failed, state.Phase);
            return;
        }

        Assert.Equal(ManagerPhase.Stopped, state.Phase);
        Assert.Equal(phase == ManagerPhase.Stopped ? 0 : 1, effects.Count(e => e is GroupEffect.CompleteShutdown));
        if (phase != ManagerPhase.Stopped && state.FencedGenerationId != state.GenerationId)
        {
            foreach (var p in state.Partitions.Values.Where(p => p.Phase != PartitionPhase.Lost && p.LastAckedOffset is not null))
            {
                if (Math.Max(p.CommitSentOffset ?? -1, p.CommittedOffset ?? -1) < p.LastAckedOffset + 1)
                {
                    Assert.Fail($"{p.Partition} acked {p.LastAckedOffset} but the shutdown sent only {p.CommitSentOffset}");
                }
            }
        }
    }

    private static readonly string[] Topics = ["orders", "payments"];
}
