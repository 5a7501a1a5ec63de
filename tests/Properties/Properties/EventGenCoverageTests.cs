using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>The properties are only as good as the states their scripts reach: this checks, on a fixed sample, that
/// generated scripts get deep (workers running, acks, confirmed commits, fenced commits resent, restarts, revocations
/// with commits, shutdowns) and not only into the garbage paths.</summary>
public sealed class EventGenCoverageTests(ITestOutputHelper output)
{
    private const int Samples = 1_000;

    [Fact]
    public void Generated_scripts_reach_every_deep_state_of_the_protocol()
    {
        var scripts = EventGen.Scripts.Sample(Samples, new Rnd(20_240_601), 60);
        var reached = Milestones.ToDictionary(m => m.Name, _ => 0);
        foreach (var script in scripts)
        {
            var seen = new HashSet<string>();
            foreach (var step in ScriptRunner.Run(script))
            {
                foreach (var (name, test) in Milestones)
                {
                    if (test(step))
                    {
                        seen.Add(name);
                    }
                }
            }

            foreach (var name in seen)
            {
                reached[name]++;
            }
        }

        foreach (var (name, count) in reached)
        {
            output.WriteLine($"{count,5} of {Samples} scripts: {name}");
        }

        // Loose on purpose: the sample is fixed, so this only catches a generator that stopped reaching a state at all.
        Assert.All(reached, r => Assert.True(r.Value >= Samples / 200, $"only {r.Value} of {Samples} scripts reached '{r.Key}'"));
    }

    private static readonly (string Name, Func<ScriptStep, bool> Test)[] Milestones =
    [
        ("a worker starts", s => Emitted<GroupEffect.StartWorker>(s)),
        ("a delivery counts", s => s.Event is GroupEvent.MessagesDelivered && !s.Before.Equals(s.Transition.State)),
        ("an ack is accepted", s => s.Event is GroupEvent.Acked && !s.Before.Equals(s.Transition.State)),
        ("an ack is refused", s => s.Event is GroupEvent.Acked && s.Before.Equals(s.Transition.State)),
        ("a commit is sent", s => Emitted<GroupEffect.CommitOffsets>(s)),
        ("a direct ack commits at once", s => s.Event is GroupEvent.Acked && Emitted<GroupEffect.CommitOffsets>(s)),
        ("a commit is confirmed", s => s.Event is GroupEvent.CommitCompleted { Outcome: CommitOutcome.Success } && !s.Before.Equals(s.Transition.State)),
        ("a commit fails and is retried", s => Diagnosed(s, DiagnosticKind.CommitRetry)),
        ("a commit is fenced", s => Diagnosed(s, DiagnosticKind.CommitFenced)),
        ("a fenced commit goes out in the next generation", s =>
            s.Before.FencedGenerationId is { } fenced && s.Transition.Effects.OfType<GroupEffect.CommitOffsets>().Any(c => c.GenerationId > fenced)),
        ("a crashed worker restarts", s => s.Transition.Effects.OfType<GroupEffect.StartWorker>()
            .Any(w => !s.Transition.State.Partitions[w.Partition].RestartTimesMs.IsEmpty)),
        ("a symbolic start is positioned", s => s.Event is GroupEvent.WorkerPositioned && !s.Before.Equals(s.Transition.State)),
        ("a resolved latest is committed", s => s.Event is GroupEvent.WorkerPositioned && Emitted<GroupEffect.CommitOffsets>(s)),
        ("a restart goes to a resolved floor", s => s.Transition.Effects.OfType<GroupEffect.StartWorker>()
            .Any(w => !s.Transition.State.Partitions[w.Partition].RestartTimesMs.IsEmpty && s.Before.Partitions[w.Partition].RestartFloorOffset is not null &&
                      s.Before.Partitions[w.Partition].AssignedPosition.Kind != StartPositionKind.Offset)),
        ("an offset is out of range", s => Diagnosed(s, DiagnosticKind.OffsetOutOfRange)),
        ("an offset reset lands", s => Diagnosed(s, DiagnosticKind.OffsetReset)),
        // The deadline property then ticks at the retry (and just before it) after every such step.
        ("a direct ack commit retry is scheduled", s => s.Before.CommitRetryDueMs is null && s.Transition.State.CommitRetryDueMs is not null),
        ("a partition is parked", s => Diagnosed(s, DiagnosticKind.PartitionParked)),
        ("a poison message goes to the dead-letter destination", s => Emitted<GroupEffect.DeadLetter>(s) && s.Event is GroupEvent.WorkerExited),
        ("a dead letter is written and the partition goes on", s => Diagnosed(s, DiagnosticKind.DeadLettered)),
        ("a failed dead letter is written again", s => Emitted<GroupEffect.DeadLetter>(s) && s.Event is not GroupEvent.WorkerExited),
        ("the manager fails", s => Emitted<GroupEffect.Fail>(s)),
        ("a kept partition sees a new generation", s => s.Event is GroupEvent.AssignmentsReceived &&
            s.Before.Partitions.Values.Any(p => s.Transition.State.Partitions.TryGetValue(p.Partition, out var now) && now.OwnedSinceGeneration == p.OwnedSinceGeneration) &&
            s.Transition.State.GenerationId != s.Before.GenerationId),
        ("a revocation commits acks and completes", s => Emitted<GroupEffect.CompleteRevocation>(s) && Emitted<GroupEffect.CommitOffsets>(s)),
        ("a loss completes", s => Emitted<GroupEffect.CompleteRevocation>(s) &&
            (s.Event is GroupEvent.AssignmentsLost || s.Before.Partitions.Values.Any(p => p.Phase == PartitionPhase.Lost))),
        ("a shutdown completes", s => Emitted<GroupEffect.CompleteShutdown>(s)),
        ("outside input is ignored", s => s.MustBeIgnored),
    ];

    private static bool Emitted<T>(ScriptStep step) where T : GroupEffect => step.Transition.Effects.OfType<T>().Any();

    private static bool Diagnosed(ScriptStep step, DiagnosticKind kind) =>
        step.Transition.Effects.Any(e => e is GroupEffect.Diagnostic d && d.Kind == kind);
}
