using Elsa.Sim.Core;
using Microsoft.Coyote.Specifications;
using Monitor = Microsoft.Coyote.Specifications.Monitor;

namespace Elsa.Sim.Systematic.Tests.Monitors;

/// <summary>What must happen eventually: every revocation callback returns, and every produced message is handled.
/// The monitor is hot while either is pending; Coyote reports a liveness bug when an iteration ends in the hot state
/// (the scenario stopped the group without these having happened).</summary>
internal sealed class LivenessMonitor : Monitor
{
    private readonly Dictionary<TopicPartition, long> _ends = [];
    private readonly Dictionary<TopicPartition, HandledOffsets> _handled = [];
    private int _revocationsPending;
    private bool _progressWaived;

    [Start]
    [Cold]
    [OnEventDoAction(typeof(Produced), nameof(OnProduced))]
    [OnEventDoAction(typeof(BatchHandled), nameof(OnBatchHandled))]
    [OnEventDoAction(typeof(RevocationStarted), nameof(OnRevocationStarted))]
    [OnEventDoAction(typeof(RevocationEnded), nameof(OnRevocationEnded))]
    [OnEventDoAction(typeof(ProgressWaived), nameof(OnProgressWaived))]
    [OnEventGotoState(typeof(GoHot), typeof(Pending))]
    [IgnoreEvents(typeof(GoCold), typeof(WorkerStarted), typeof(WorkerEnded), typeof(CommitSent), typeof(CommitAccepted))]
    private sealed class Settled : State
    {
    }

    [Hot]
    [OnEventDoAction(typeof(Produced), nameof(OnProduced))]
    [OnEventDoAction(typeof(BatchHandled), nameof(OnBatchHandled))]
    [OnEventDoAction(typeof(RevocationStarted), nameof(OnRevocationStarted))]
    [OnEventDoAction(typeof(RevocationEnded), nameof(OnRevocationEnded))]
    [OnEventDoAction(typeof(ProgressWaived), nameof(OnProgressWaived))]
    [OnEventGotoState(typeof(GoCold), typeof(Settled))]
    [IgnoreEvents(typeof(GoHot), typeof(WorkerStarted), typeof(WorkerEnded), typeof(CommitSent), typeof(CommitAccepted))]
    private sealed class Pending : State
    {
    }

    private void OnProduced(Event e)
    {
        var produced = (Produced)e;
        _ends[produced.Partition] = Math.Max(_ends.GetValueOrDefault(produced.Partition), produced.End);
        Reassess();
    }

    private void OnBatchHandled(Event e)
    {
        var batch = (BatchHandled)e;
        if (!_handled.TryGetValue(batch.Partition, out var handled))
        {
            handled = new HandledOffsets();
            _handled[batch.Partition] = handled;
        }

        handled.Add(batch.First, batch.Last);
        Reassess();
    }

    private void OnRevocationStarted()
    {
        _revocationsPending++;
        Reassess();
    }

    private void OnRevocationEnded()
    {
        _revocationsPending--;
        Reassess();
    }

    private void OnProgressWaived()
    {
        _progressWaived = true;
        Reassess();
    }

    private void Reassess()
    {
        var unhandled = !_progressWaived &&
            _ends.Any(end => (_handled.TryGetValue(end.Key, out var handled) ? handled.Prefix : 0) < end.Value);
        RaiseEvent(_revocationsPending > 0 || unhandled ? new GoHot() : new GoCold());
    }

    private sealed class GoHot : Event
    {
    }

    private sealed class GoCold : Event
    {
    }
}
