using System.Text;
using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Systematic.Tests.Handlers;
using Elsa.Sim.Systematic.Tests.Monitors;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Broker;

/// <summary>One member's Kafka client over the <see cref="SimulatedCluster"/>, behind the host's port: the host under
/// test is the production code, and only this client is simulated. It keeps what librdkafka keeps per client (assigned
/// partitions, fetch positions, pauses) and runs rebalance callbacks inside <see cref="Consume"/> and
/// <see cref="Close"/>, on the consume thread, as librdkafka does. Like librdkafka, it keeps an application's pause
/// across a revocation and a later reassignment of the partition; only <see cref="Resume"/> undoes it.</summary>
internal sealed class SimulatedPort(SimulatedCluster cluster, string member, Ledger ledger, Happenings happenings) : IConsumerPort
{
    private readonly object _gate = new();
    private readonly Dictionary<TopicPartition, long> _positions = [];
    private readonly HashSet<TopicPartition> _paused = [];
    private IRebalanceListener? _listener;
    private int _nextFetch;

    // The consume thread while it runs a revoke or lost callback, so a pause or resume from elsewhere is seen to race it.
    private int? _revokingThread;
    private bool _everPaused;

    public string MemberId => member;

    public void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener)
    {
        _listener = listener;
        cluster.Join(member);
    }

    public async ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout)
    {
        var listener = _listener ?? throw new InvalidOperationException("consume before subscribe");
        // Taken before looking for work: a change signalled after this point wakes the wait below, one signalled before
        // it is seen by the look.
        var changed = cluster.Changed;
        var callback = cluster.NextCallback(member);
        switch (callback.Kind)
        {
            case CallbackKind.Lost:
                RevocationBegins();
                await RevokeAsync(callback.Partitions, () => listener.OnPartitionsLostAsync(callback.Partitions));
                cluster.LossHandled(member);
                return null;
            case CallbackKind.Revoke:
                RevocationBegins();
                await RevokeAsync(callback.Partitions, () => listener.OnPartitionsRevokedAsync(callback.Partitions));
                cluster.Revoked(member);
                return null;
            case CallbackKind.Assign:
                await AssignAsync(listener, callback.Partitions);
                return null;
            default:
                break;
        }

        if (Fetch() is { } message)
        {
            return message;
        }

        // Nothing to fetch: wait until something changes or the poll times out, which in virtual time is the same
        // thing, because the scenario signals the cluster whenever it lets time pass.
        await changed;
        return null;
    }

    public ValueTask<IReadOnlyList<long?>> CommittedAsync(IReadOnlyList<TopicPartition> partitions, TimeSpan timeout) =>
        ValueTask.FromResult(cluster.Committed(partitions));

    public ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets)
    {
        lock (_gate)
        {
            foreach (var offset in offsets)
            {
                Specification.Monitor<SafetyMonitor>(new CommitSent(member, offset.Partition, offset.NextOffset, _positions.ContainsKey(offset.Partition)));
            }
        }

        return ValueTask.FromResult(cluster.Commit(member, offsets));
    }

    public void Seek(TopicPartition partition, long offset)
    {
        lock (_gate)
        {
            if (!_positions.ContainsKey(partition))
            {
                throw new ConsumerPortException($"seek on {partition}, which is not assigned", isFatal: false);
            }

            _positions[partition] = offset;
        }
    }

    public void Pause(IReadOnlyList<TopicPartition> partitions)
    {
        bool racing;
        bool firstPause;
        lock (_gate)
        {
            racing = RacesRevocation();
            var assigned = partitions.Where(_positions.ContainsKey).ToArray();
            _paused.UnionWith(assigned);
            firstPause = !_everPaused && assigned.Length > 0;
            _everPaused |= firstPause;
        }

        NoteRace(racing);
        if (firstPause)
        {
            happenings.Reach(Cue.Paused, member);
        }
    }

    public void Resume(IReadOnlyList<TopicPartition> partitions)
    {
        bool racing;
        lock (_gate)
        {
            racing = RacesRevocation();
            _paused.ExceptWith(partitions);
        }

        NoteRace(racing);
        cluster.Signal();
    }

    public ValueTask<Watermarks> QueryWatermarksAsync(TopicPartition partition, TimeSpan timeout) => ValueTask.FromResult(new Watermarks(0, cluster.End(partition)));

    public Watermarks? CachedWatermarks(TopicPartition partition) => new Watermarks(0, cluster.End(partition));

    public async ValueTask CloseAsync()
    {
        TopicPartition[] assigned;
        lock (_gate)
        {
            assigned = [.. _positions.Keys.Order()];
        }

        if (assigned.Length > 0 && _listener is { } listener)
        {
            // Leaving the group is an orderly revocation of everything the client holds, as librdkafka's close is.
            await RevokeAsync(assigned, () => listener.OnPartitionsRevokedAsync(assigned));
        }

        cluster.Leave(member);
    }

    public void Dispose()
    {
    }

    /// <summary>A revoke or lost callback the coordinator handed out is about to run.</summary>
    private void RevocationBegins()
    {
        if (ledger.BatchesInHand(member) > 0)
        {
            happenings.Saw(Race.RevocationDuringBatch);
        }

        happenings.Reach(Cue.RevocationBegan, member);
    }

    private async ValueTask RevokeAsync(IReadOnlyList<TopicPartition> partitions, Func<ValueTask> callback)
    {
        Specification.Monitor<LivenessMonitor>(new RevocationStarted());
        lock (_gate)
        {
            _revokingThread = Environment.CurrentManagedThreadId;
        }

        await callback();
        lock (_gate)
        {
            _revokingThread = null;
            foreach (var partition in partitions)
            {
                // The pause, if any, stays: librdkafka keeps it for a later reassignment.
                _positions.Remove(partition);
            }
        }

        Specification.Monitor<LivenessMonitor>(new RevocationEnded());
    }

    // Under the lock: a pause or resume from a thread other than the consume thread, which is blocked in the callback.
    private bool RacesRevocation() => _revokingThread is { } thread && thread != Environment.CurrentManagedThreadId;

    private void NoteRace(bool racing)
    {
        if (racing)
        {
            happenings.Saw(Race.PauseOrResumeDuringRevocation);
        }
    }

    private async ValueTask AssignAsync(IRebalanceListener listener, IReadOnlyList<TopicPartition> partitions)
    {
        var starts = await listener.OnPartitionsAssignedAsync(partitions);
        var committed = cluster.Committed(partitions);
        lock (_gate)
        {
            for (var i = 0; i < partitions.Count; i++)
            {
                var position = starts[i].Position;
                _positions[partitions[i]] = position?.Kind switch
                {
                    StartPositionKind.Offset => position.Value.Offset,
                    StartPositionKind.Latest => cluster.End(partitions[i]),
                    // Earliest, or the client's choice: the committed offset, else auto.offset.reset=earliest.
                    StartPositionKind.Earliest => 0,
                    _ => committed[i] ?? 0,
                };
            }
        }

        cluster.Assigned(member, partitions);
    }

    private FetchedMessage? Fetch()
    {
        lock (_gate)
        {
            var candidates = _positions.Keys.Order().ToArray();
            for (var i = 0; i < candidates.Length; i++)
            {
                // Round robin over partitions, so one busy partition cannot starve the others.
                var partition = candidates[(_nextFetch + i) % candidates.Length];
                var offset = _positions[partition];
                if (_paused.Contains(partition) || offset >= cluster.End(partition))
                {
                    continue;
                }

                _positions[partition] = offset + 1;
                _nextFetch = (_nextFetch + i + 1) % candidates.Length;
                return new FetchedMessage(partition, offset, TimestampMs: offset, Encoding.UTF8.GetBytes($"k{offset}"),
                    Encoding.UTF8.GetBytes($"v{offset}"));
            }

            return null;
        }
    }
}
