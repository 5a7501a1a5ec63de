using Elsa.Sim.Core;
using Microsoft.Coyote.Specifications;
using Monitor = Microsoft.Coyote.Specifications.Monitor;

namespace Elsa.Sim.Systematic.Tests.Monitors;

/// <summary>What must happen eventually: every revocation callback returns, and every produced message is handled.
/// The monitor is hot while either is pending, in a state that names which (a pending revocation comes first); Coyote
/// reports a liveness bug, naming that state, when an iteration ends in it or stays in it for half the fair step bound
/// (docs/systematic.md).</summary>
internal sealed class LivenessMonitor : Monitor
{
    private readonly Dictionary<TopicPartition, long> _ends = [];
    private readonly HandledOffsets _handled = new();
    private int _revocationsPending;
    private bool _progressWaived;

    /// <summary>Every state takes every observation; they differ only in what is still owed.</summary>
    [OnEventDoAction(typeof(Produced), nameof(OnProduced))]
    [OnEventDoAction(typeof(BatchHandled), nameof(OnBatchHandled))]
    [OnEventDoAction(typeof(RevocationStarted), nameof(OnRevocationStarted))]
    [OnEventDoAction(typeof(RevocationEnded), nameof(OnRevocationEnded))]
    [OnEventDoAction(typeof(ProgressWaived), nameof(OnProgressWaived))]
    private abstract class Observing : State
    {
    }

    [Start]
    [Cold]
    private sealed class Settled : Observing
    {
    }

    /// <summary>A revoke or lost callback has not returned.</summary>
    [Hot]
    private sealed class RevocationPending : Observing
    {
    }

    /// <summary>A produced message has not been handled.</summary>
    [Hot]
    private sealed class ProgressPending : Observing
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
        _handled.Add(batch.Partition, batch.First, batch.Last);
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
        var unhandled = !_progressWaived && _ends.Any(end => _handled.Prefix(end.Key) < end.Value);
        var next = _revocationsPending > 0 ? typeof(RevocationPending) : unhandled ? typeof(ProgressPending) : typeof(Settled);
        if (next != CurrentState)
        {
            RaiseGotoStateEvent(next);
        }
    }
}
