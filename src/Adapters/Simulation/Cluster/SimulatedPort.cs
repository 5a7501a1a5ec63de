using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Simulation;

/// <summary>One member's Kafka client on the <see cref="SimulatedCluster"/>, behind the port the host runs on: what
/// librdkafka keeps per client (the assignment, fetch positions, pauses, partitions stopped out of range) and how it
/// behaves as the application sees it. Rebalance callbacks queued by the group protocol (<see cref="GroupClient"/>) run
/// inside <see cref="ConsumeAsync"/> and <see cref="CloseAsync"/>; the protocol goes on only once a callback returned.
/// A pause survives a revocation and a later reassignment (only <see cref="Resume"/> undoes it); a position outside the
/// log stops the partition with an <see cref="OffsetOutOfRangeException"/> until the next <see cref="Seek"/>
/// (<c>auto.offset.reset=error</c>); commits carry the member id and the generation (or KIP-848 member epoch) and can be
/// fenced, refused as stale, fail or be lost.</summary>
/// <remarks>Everything the client does is reported to the oracle as it happens.</remarks>
internal sealed class SimulatedPort : IConsumerPort
{
    // After this many messages returned without waiting, the consume loop yields, as a real poll returns a fetch's
    // worth and goes back to the network: the workers get to run.
    private const int MessagesPerFetch = 64;

    private readonly SimulatedCluster _cluster;
    private readonly Dictionary<TopicPartitionId, long?> _positions = [];
    private readonly List<TopicPartitionId> _fetchOrder = [];
    private readonly HashSet<TopicPartitionId> _assignment = [];
    private readonly HashSet<TopicPartitionId> _revoking = [];
    private readonly HashSet<TopicPartitionId> _paused = [];
    private readonly HashSet<TopicPartitionId> _outOfRange = [];
    private readonly Queue<Callback> _callbacks = new();
    private IRebalanceListener? _listener;
    private TaskCompletionSource? _wake;
    private int _nextFetch;
    private int _sinceYield;
    private bool _closed;

    // The thread running a revoke or lost callback, so a pause or resume from elsewhere is seen to race it.
    private int? _revokingThread;

    public SimulatedPort(SimulatedCluster cluster, int member, SimRandom rng, Lifetime lifetime, string? instanceId = null)
    {
        _cluster = cluster;
        Member = member;
        Client = cluster.Protocol == RebalanceProtocol.Consumer
            ? new ConsumerGroupClient(cluster, member, instanceId, rng, lifetime, this)
            : new ClassicGroupClient(cluster, member, instanceId, rng, lifetime, this);
    }

    /// <summary>The member's index in the run.</summary>
    public int Member { get; }

    /// <summary>The group protocol's side of this client.</summary>
    public GroupClient Client { get; }

    public string MemberId => Client.MemberId ?? "";

    private Oracle Oracle => _cluster.Oracle;

    public void Subscribe(IReadOnlyList<string> topics, IRebalanceListener listener)
    {
        _listener = listener;
        _cluster.Connect(this);
        Client.Start();
    }

    public async ValueTask<FetchedMessage?> ConsumeAsync(TimeSpan timeout)
    {
        if (_callbacks.TryDequeue(out var callback))
        {
            await RunAsync(callback);
            return null;
        }

        if (Fetch() is { } message)
        {
            if (++_sinceYield >= MessagesPerFetch)
            {
                _sinceYield = 0;
                await Task.Yield();
            }

            return message;
        }

        _sinceYield = 0;
        await WaitAsync(timeout);
        return null;
    }

    public async ValueTask<IReadOnlyList<long?>> CommittedAsync(IReadOnlyList<TopicPartitionId> partitions, TimeSpan timeout)
    {
        var answer = new TaskCompletionSource<IReadOnlyList<long?>?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Client.FetchCommitted(partitions, (long)timeout.TotalMilliseconds, committed => answer.TrySetResult(committed));
        return await answer.Task ?? throw new ConsumerPortException($"reading the committed offsets of {string.Join(", ", partitions)} timed out: the coordinator is unavailable", isFatal: false);
    }

    public async ValueTask<CommitOutcome> CommitAsync(IReadOnlyList<PartitionOffset> offsets)
    {
        Oracle.CommitSent(Member, offsets);
        _cluster.Observer.CommitSent(Member);
        var answer = new TaskCompletionSource<CommitOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        Client.Commit(offsets, outcome => answer.TrySetResult(outcome));
        var outcome = await answer.Task;
        Oracle.CommitAnswered(Member, offsets, outcome);
        _cluster.Observer.CommitAnswered(Member, outcome, Client.MemberId is { } id && _cluster.Coordinator.IsMember(id));
        return outcome;
    }

    public void Seek(TopicPartitionId partition, long offset)
    {
        if (!_positions.ContainsKey(partition))
        {
            throw new ConsumerPortException($"seek on {partition}, which is not assigned", isFatal: false);
        }

        _positions[partition] = offset;
        _outOfRange.Remove(partition);
        Oracle.Sought(Member, partition, offset);
        Wake();
    }

    public void Pause(IReadOnlyList<TopicPartitionId> partitions)
    {
        foreach (var partition in partitions)
        {
            if (_positions.ContainsKey(partition))
            {
                _paused.Add(partition);
            }
        }

        _cluster.Observer.PausedOrResumed(Member, paused: true, RacesRevocation);
    }

    public void Resume(IReadOnlyList<TopicPartitionId> partitions)
    {
        _paused.ExceptWith(partitions);
        _cluster.Observer.PausedOrResumed(Member, paused: false, RacesRevocation);
        Wake();
    }

    /// <summary>Whether a revoke or lost callback is running and has not returned.</summary>
    public bool Revoking => _revokingThread is not null;

    /// <summary>Whether a rebalance callback waits for the next poll.</summary>
    public bool CallbacksPending => _callbacks.Count > 0;

    private bool RacesRevocation => _revokingThread is { } thread && thread != Environment.CurrentManagedThreadId;

    public async ValueTask<Watermarks> QueryWatermarksAsync(TopicPartitionId partition, TimeSpan timeout)
    {
        var answer = new TaskCompletionSource<Watermarks>(TaskCreationOptions.RunContinuationsAsynchronously);
        Client.QueryWatermarks(partition, answer.SetResult);
        return await answer.Task;
    }

    public Watermarks? CachedWatermarks(TopicPartitionId partition)
    {
        var log = _cluster.Log(partition);
        return new Watermarks(log.LogStart, log.HighWatermark);
    }

    public async ValueTask CloseAsync()
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        // Leaving is an orderly revocation of everything the client holds, as librdkafka's close is; a loss the protocol
        // already queued is reported as one.
        var lost = _callbacks.Any(c => c.Lost);
        _callbacks.Clear();
        TopicPartitionId[] held = [.. _positions.Keys.Order()];
        if (held.Length > 0 && _listener is not null)
        {
            await RunAsync(new Callback(Assign: false, held, lost, Then: null));
        }

        _cluster.Disconnect(this);
        Client.Leave();
    }

    public void Dispose() => _cluster.Disconnect(this);

    /// <summary>The partitions the client holds or is about to be handed (the assignment as librdkafka tracks it).</summary>
    public IReadOnlyList<TopicPartitionId> Owned() => [.. _assignment.Order()];

    /// <summary>What a cooperative rejoin claims: the assignment, less what is being revoked.</summary>
    public IReadOnlyList<TopicPartitionId> Claimable() => [.. _assignment.Except(_revoking).Order()];

    /// <summary>The protocol handed over new partitions: the assignment callback runs in the next poll.</summary>
    public void QueueAssign(IReadOnlyList<TopicPartitionId> added)
    {
        _assignment.UnionWith(added);
        _callbacks.Enqueue(new Callback(Assign: true, added, Lost: false, Then: null));
        Wake();
    }

    /// <summary>The protocol takes partitions away (or found them lost): the callback runs in the next poll, and
    /// <paramref name="then"/> once it returned.</summary>
    public void QueueRevoke(IReadOnlyList<TopicPartitionId> partitions, bool lost, Action then)
    {
        _revoking.UnionWith(partitions);
        _callbacks.Enqueue(new Callback(Assign: false, partitions, lost, then));
        Wake();
    }

    /// <summary>Something a waiting poll may care about happened (data, a callback, a resume, a seek).</summary>
    public void Wake() => _wake?.TrySetResult();

    private async Task RunAsync(Callback callback)
    {
        var listener = _listener ?? throw new InvalidOperationException("consume before subscribe");
        if (callback.Assign)
        {
            await AssignAsync(listener, callback.Partitions);
            return;
        }

        Oracle.RevocationBegins(Member, callback.Partitions, callback.Lost, Client.CanCommit);
        _cluster.Observer.RevocationBegan(Member, callback.Lost);
        _revokingThread = Environment.CurrentManagedThreadId;
        if (callback.Lost)
        {
            await listener.OnPartitionsLostAsync(callback.Partitions);
        }
        else
        {
            await listener.OnPartitionsRevokedAsync(callback.Partitions);
        }

        _revokingThread = null;

        foreach (var partition in callback.Partitions)
        {
            // The pause, if any, stays: librdkafka keeps it for a later reassignment.
            _positions.Remove(partition);
            _assignment.Remove(partition);
            _revoking.Remove(partition);
            _outOfRange.Remove(partition);
        }

        RebuildFetchOrder();
        Oracle.RevocationEnded(Member, callback.Partitions, callback.Lost);
        _cluster.Observer.RevocationEnded(Member);
        callback.Then?.Invoke();
    }

    private async Task AssignAsync(IRebalanceListener listener, IReadOnlyList<TopicPartitionId> partitions)
    {
        Oracle.AssignmentBegins(Member, partitions);
        var starts = await listener.OnPartitionsAssignedAsync(partitions);
        var committed = _cluster.Coordinator.Committed;
        foreach (var (partition, position) in starts)
        {
            var log = _cluster.Log(partition);
            long? at = position?.Kind switch
            {
                StartPositionKind.Offset => position.Value.Offset,
                StartPositionKind.Earliest => log.LogStart,
                StartPositionKind.Latest => log.HighWatermark,
                // The client's choice: the committed offset, else nothing to fetch from (auto.offset.reset=error).
                _ => committed.TryGetValue(partition, out var offset) ? offset : null,
            };
            _positions[partition] = at;
            _outOfRange.Remove(partition);
            Oracle.Positioned(Member, partition, at);
        }

        RebuildFetchOrder();
    }

    private FetchedMessage? Fetch()
    {
        for (var i = 0; i < _fetchOrder.Count; i++)
        {
            // Round robin over partitions, so one busy partition cannot starve the others.
            var index = (_nextFetch + i) % _fetchOrder.Count;
            var partition = _fetchOrder[index];
            if (_paused.Contains(partition) || _outOfRange.Contains(partition) || _positions[partition] is not { } position)
            {
                continue;
            }

            var log = _cluster.Log(partition);
            if (!log.InRange(position))
            {
                _outOfRange.Add(partition);
                Oracle.OutOfRange(Member, partition, position);
                throw new OffsetOutOfRangeException(partition, position);
            }

            if (position < log.HighWatermark)
            {
                _positions[partition] = position + 1;
                _nextFetch = index + 1;
                return _cluster.Message(partition, position);
            }
        }

        return null;
    }

    private async Task WaitAsync(TimeSpan timeout)
    {
        var wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _wake = wake;
        using var timer = _cluster.Clock.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), wake, timeout, Timeout.InfiniteTimeSpan);
        await wake.Task;
        if (_wake == wake)
        {
            _wake = null;
        }
    }

    private void RebuildFetchOrder()
    {
        _fetchOrder.Clear();
        _fetchOrder.AddRange(_positions.Keys.Order());
        _nextFetch = 0;
    }

    /// <summary>A rebalance callback waiting for the next poll.</summary>
    private sealed record Callback(bool Assign, IReadOnlyList<TopicPartitionId> Partitions, bool Lost, Action? Then);
}
