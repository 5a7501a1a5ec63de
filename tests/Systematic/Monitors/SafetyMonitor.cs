using Elsa.Sim.Core;
using Microsoft.Coyote.Specifications;
using Monitor = Microsoft.Coyote.Specifications.Monitor;

namespace Elsa.Sim.Systematic.Tests.Monitors;

/// <summary>What must hold in every state of every explored interleaving: at most one owner per partition, no commit for
/// a partition the member no longer owns, commits never move backwards, nothing committed that no handler returned
/// from, and no handler still owning a partition once its member's stop returned. Coyote reports the first failed
/// assertion with the schedule that led to it.</summary>
internal sealed class SafetyMonitor : Monitor
{
    private readonly Dictionary<TopicPartition, (string Member, long Worker)> _owners = [];
    private readonly HandledOffsets _handled = new();
    private readonly Dictionary<TopicPartition, long> _committed = [];

    [Start]
    [OnEventDoAction(typeof(WorkerStarted), nameof(OnWorkerStarted))]
    [OnEventDoAction(typeof(WorkerEnded), nameof(OnWorkerEnded))]
    [OnEventDoAction(typeof(BatchHandled), nameof(OnBatchHandled))]
    [OnEventDoAction(typeof(CommitSent), nameof(OnCommitSent))]
    [OnEventDoAction(typeof(CommitAccepted), nameof(OnCommitAccepted))]
    [OnEventDoAction(typeof(MemberStopped), nameof(OnMemberStopped))]
    private sealed class Watching : State
    {
    }

    private void OnWorkerStarted(Event e)
    {
        var started = (WorkerStarted)e;
        Assert(!_owners.TryGetValue(started.Partition, out var owner),
            "at most one owner per partition: {0} worker {1} (generation {2}) started on {3} while {4} worker {5} still owns it",
            started.Member, started.Worker, started.Generation, started.Partition, owner.Member, owner.Worker);
        _owners[started.Partition] = (started.Member, started.Worker);
    }

    private void OnWorkerEnded(Event e)
    {
        var ended = (WorkerEnded)e;
        if (_owners.TryGetValue(ended.Partition, out var owner) && owner == (ended.Member, ended.Worker))
        {
            _owners.Remove(ended.Partition);
        }
    }

    private void OnBatchHandled(Event e)
    {
        var batch = (BatchHandled)e;
        _handled.Add(batch.Partition, batch.First, batch.Last);
    }

    private void OnCommitSent(Event e)
    {
        var sent = (CommitSent)e;
        Assert(sent.Owned, "no stale-generation commit: {0} sent a commit of {1} at {2} after its revocation or loss completed",
            sent.Member, sent.Partition, sent.NextOffset);
    }

    private void OnCommitAccepted(Event e)
    {
        var accepted = (CommitAccepted)e;
        var previous = _committed.GetValueOrDefault(accepted.Partition);
        Assert(accepted.NextOffset >= previous, "commits never decrease: {0} committed {1} at {2} after {3}",
            accepted.Member, accepted.Partition, accepted.NextOffset, previous);
        var prefix = _handled.Prefix(accepted.Partition);
        Assert(accepted.NextOffset <= prefix,
            "nothing committed that was not handled: {0} committed {1} at {2}, but offset {3} was never handled",
            accepted.Member, accepted.Partition, accepted.NextOffset, prefix);
        _committed[accepted.Partition] = accepted.NextOffset;
    }

    private void OnMemberStopped(Event e)
    {
        var stopped = (MemberStopped)e;
        foreach (var (partition, owner) in _owners)
        {
            Assert(owner.Member != stopped.Member,
                "no handler outlives its member's stop: {0}'s StopAsync returned while its worker {1} still owns {2}",
                stopped.Member, owner.Worker, partition);
        }
    }
}
