using System.Collections.Immutable;

namespace Elsa.Sim.Properties.Tests.Model;

/// <summary>The reference model of one partition. <see cref="Committed"/> and <see cref="Sent"/> are in Kafka's convention
/// (next offset to read); <see cref="LastAcked"/> and the deliveries in Elsa's (the message's own offset).</summary>
/// <param name="Assigned">Where the partition was assigned: the committed offset, else earliest.</param>
/// <param name="Committed">What the coordinator confirmed.</param>
/// <param name="Sent">The highest offset sent in a commit that has not failed; acks beyond it go in the next commit.</param>
/// <param name="LastAcked">The last accepted ack.</param>
/// <param name="Floor">The restart floor: the committed offset it was assigned at, else where its earliest start landed
/// (reported by the worker, or shown by its first delivery).</param>
/// <param name="LastDelivered">The highest message delivered in this ownership.</param>
/// <param name="Worker">The live worker, if any.</param>
/// <param name="NextToDeliver">Where the live worker reads next (the world's side, to build deliveries).</param>
/// <param name="RestartDueMs">When a crashed worker restarts.</param>
internal sealed record PartitionModel(
    StartPosition Assigned, long? Committed, long? Sent, long? LastAcked, long? Floor, long? LastDelivered,
    WorkerId? Worker, long NextToDeliver, long? RestartDueMs)
{
    /// <inheritdoc />
    public override string ToString() =>
        $"assigned {Assigned}, committed {Show(Committed)}, sent {Show(Sent)}, acked {Show(LastAcked)}, " +
        $"floor {Show(Floor)}, delivered up to {Show(LastDelivered)}, worker {Worker?.ToString() ?? "-"}{(RestartDueMs is { } due ? $" (restart at {due} ms)" : "")}";

    private static string Show(long? offset) => offset?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}

/// <summary>The reference model of one member's ack and commit bookkeeping, from the semantics table: an ack counts when
/// it is tagged with a generation of this ownership, reaches past the last ack and the committed offset, and stays within
/// what was delivered; every commit interval sends, in one commit, each partition's last ack + 1 that is beyond what was
/// sent and committed (at once with direct ack); a failed commit's offsets go out again; a fenced commit stops commits
/// until the next generation (with direct ack, a retriable failure is sent again after the retry backoff); a crashed worker
/// restarts after the backoff at the last ack + 1 (never below the floor), else at the floor, else where the partition was
/// assigned. Each operation resolves to one event (<see cref="Event"/>) and the effects it must cause
/// (<see cref="Expected"/>).</summary>
internal sealed record AckModel(
    bool DirectAck, int Generation, int OwnedSince, int? FencedGeneration, long NowMs, long LastCommitMs, long? RetryDueMs, long NextWorkerId,
    ImmutableArray<PartitionModel> Partitions, ImmutableList<GroupEffect.CommitOffsets> InFlight,
    GroupEvent? Event, ImmutableArray<GroupEffect> Expected, bool Ignored)
{
    public const int PartitionCount = 3;

    private const long CommitIntervalMs = 1_000;

    private const long BackoffMs = 100;

    private const long CommitRetryBackoffMs = 100;

    public static TopicPartitionId Partition(int index) => new("orders", index);

    public static GroupConfig Config(bool directAck) => new()
    {
        Group = "group-1",
        Topics = ValueList.Of("orders"),
        DirectAck = directAck,
        CommitIntervalMs = CommitIntervalMs,
        CommitRetryBackoffMs = CommitRetryBackoffMs,
        Config = new ElsaConsumerConfig { BeginOffset = StartPosition.Earliest },
        // A constant backoff and a budget that never runs out: restarts are what is modelled here, not the budget.
        Restart = new RestartConfig { BackoffMs = BackoffMs, MaxBackoffMs = BackoffMs, MaxRestarts = 1_000, WithinMs = 1 },
    };

    /// <summary>A member that has just joined <paramref name="generation"/> at the committed offsets and started a worker
    /// per partition (ids from 1: a fresh machine).</summary>
    public static AckModel Joined(bool directAck, ImmutableArray<long?> committed, int generation, long nowMs)
    {
        var partitions = committed
            .Select((c, i) => new PartitionModel(
                c is { } at ? StartPosition.At(at) : StartPosition.Earliest, c, c, null, c, null, new WorkerId(i + 1), c ?? 0, null))
            .ToImmutableArray();
        var starts = partitions
            .Select((p, i) => (GroupEffect)new GroupEffect.StartWorker(p.Worker!.Value, Partition(i), generation, p.Assigned))
            .ToImmutableArray();
        // A fresh machine counts the commit interval from its first assignment.
        return new AckModel(directAck, generation, generation, null, nowMs, nowMs, null, PartitionCount + 1, partitions, [], null, starts, false);
    }

    /// <summary>What <see cref="GroupState.CommittedOffsets"/> must report.</summary>
    public IReadOnlyList<PartitionOffset> Committed() =>
        Partitions.Select((p, i) => (p.Committed, Partition: Partition(i)))
            .Where(x => x.Committed is not null)
            .Select(x => new PartitionOffset(x.Partition, x.Committed!.Value))
            .ToList();

    public AckModel Deliver(int index, int count)
    {
        var p = Partitions[index];
        var (first, last) = (p.NextToDeliver, p.NextToDeliver + count - 1);
        return With(index, p with { Floor = p.Floor ?? first, LastDelivered = Math.Max(p.LastDelivered ?? last, last), NextToDeliver = last + 1 })
            .Resolved(new GroupEvent.MessagesDelivered(p.Worker!.Value, first, last));
    }

    /// <summary>The live worker reports where its earliest start landed: the floor, if none is known yet; else ignored.</summary>
    public AckModel Position(int index)
    {
        var p = Partitions[index];
        var positioned = new GroupEvent.WorkerPositioned(p.Worker!.Value, p.NextToDeliver);
        return p.Floor is null ? With(index, p with { Floor = p.NextToDeliver }).Resolved(positioned) : Resolved(positioned) with { Ignored = true };
    }

    public AckModel Ack(int index, AckChoice kind, int pick)
    {
        var p = Partitions[index];
        var floor = Math.Max(p.Committed ?? 0, p.LastAcked is { } acked ? acked + 1 : 0); // an ack's offset + 1 must pass it
        var delivered = p.LastDelivered;
        var (generation, offset) = kind switch
        {
            AckChoice.Valid when delivered is { } d && d >= floor =>
                (OwnedSince + (pick % (Generation - OwnedSince + 1)), floor + (pick % (d - floor + 1))),
            AckChoice.Valid or AckChoice.LastDelivered => (Generation, delivered ?? 0),
            AckChoice.Backwards => (Generation, (p.LastAcked ?? floor - 1) - (pick % 3)),
            AckChoice.PastDelivered => (Generation, (delivered ?? -1) + 1 + (pick % 5)),
            AckChoice.StaleGeneration => (OwnedSince - 1 - (pick % 2), delivered ?? 0),
            AckChoice.FutureGeneration => (Generation + 1 + (pick % 2), delivered ?? 0),
            _ => (Generation, -1L - (pick % 5)),
        };
        var ack = new GroupEvent.Acked("orders", index, generation, offset);
        var accepted = generation >= OwnedSince && generation <= Generation && offset >= 0 &&
                       delivered is { } upTo && offset <= upTo && offset + 1 > floor;
        if (!accepted)
        {
            return Resolved(ack) with { Ignored = true };
        }

        var next = With(index, p with { LastAcked = offset }).Resolved(ack);
        return DirectAck ? next.CommitAcks([index]) : next;
    }

    public AckModel Tick(long deltaMs)
    {
        var now = NowMs + deltaMs;
        var retryDue = RetryDueMs <= now;
        var next = (this with { NowMs = now, RetryDueMs = retryDue ? null : RetryDueMs }).Resolved(new GroupEvent.Tick(now)).StartDueWorkers();
        return now >= LastCommitMs + CommitIntervalMs ? (next with { LastCommitMs = now }).CommitAcks(Enumerable.Range(0, PartitionCount))
            : retryDue ? next.CommitAcks(Enumerable.Range(0, PartitionCount))
            : next;
    }

    public AckModel CompleteCommit(int inFlightIndex, CommitOutcome outcome)
    {
        var commit = InFlight[inFlightIndex];
        var next = this with { InFlight = InFlight.RemoveAt(inFlightIndex) };
        foreach (var (tp, offset) in commit.Offsets)
        {
            var p = next.Partitions[tp.Partition];
            next = next.With(tp.Partition, outcome == CommitOutcome.Success
                ? p with { Committed = Math.Max(p.Committed ?? offset, offset), Sent = Math.Max(p.Sent ?? offset, offset) }
                : p with { Sent = p.Sent == offset ? p.Committed : p.Sent });
        }

        if (outcome == CommitOutcome.Fenced && commit.GenerationId == Generation)
        {
            next = next with { FencedGeneration = Generation };
        }

        if (outcome == CommitOutcome.RetriableError && DirectAck)
        {
            next = next with { RetryDueMs = NowMs + CommitRetryBackoffMs };
        }

        return next.Resolved(new GroupEvent.CommitCompleted(commit.GenerationId, commit.Offsets, outcome));
    }

    public AckModel Crash(int index)
    {
        var p = Partitions[index];
        return With(index, p with { Worker = null, RestartDueMs = NowMs + BackoffMs })
            .Resolved(new GroupEvent.WorkerExited(p.Worker!.Value, ExitReason.Crashed("boom")));
    }

    /// <summary>A cooperative rebalance that keeps every partition: only the generation changes.</summary>
    public AckModel NewGeneration() =>
        (this with { Generation = Generation + 1 })
            .Resolved(new GroupEvent.AssignmentsReceived("member-1", Generation + 1, ValueList<Assignment>.Empty))
            .StartDueWorkers();

    /// <summary>The member process restarts and joins the next generation at what the coordinator confirmed; commits in
    /// flight are lost with the old process.</summary>
    public AckModel RestartMember() =>
        Joined(DirectAck, [.. Partitions.Select(p => p.Committed)], Generation + 1, NowMs);

    private AckModel StartDueWorkers()
    {
        var next = this;
        for (var i = 0; i < PartitionCount; i++)
        {
            var p = next.Partitions[i];
            if (p.Worker is null && p.RestartDueMs is { } due && due <= NowMs)
            {
                var position = p.LastAcked is { } acked ? StartPosition.At(Math.Max(acked + 1, p.Floor ?? 0))
                    : p.Floor is { } floor ? StartPosition.At(floor)
                    : p.Assigned;
                var worker = new WorkerId(next.NextWorkerId);
                next = next.With(i, p with { Worker = worker, RestartDueMs = null, NextToDeliver = position.Kind == StartPositionKind.Offset ? position.Offset : 0 })
                    with
                    {
                        NextWorkerId = next.NextWorkerId + 1,
                        Expected = next.Expected.Add(new GroupEffect.StartWorker(worker, Partition(i), Generation, position)),
                    };
            }
        }

        return next;
    }

    private AckModel CommitAcks(IEnumerable<int> indexes)
    {
        if (FencedGeneration == Generation)
        {
            return this;
        }

        var next = this;
        var offsets = new List<PartitionOffset>();
        foreach (var i in indexes)
        {
            var p = next.Partitions[i];
            if (p.LastAcked is { } acked && acked + 1 > Math.Max(p.Sent ?? long.MinValue, p.Committed ?? long.MinValue))
            {
                offsets.Add(new PartitionOffset(Partition(i), acked + 1));
                next = next.With(i, p with { Sent = acked + 1 });
            }
        }

        if (offsets.Count == 0)
        {
            return next;
        }

        var commit = new GroupEffect.CommitOffsets(Generation, offsets.ToValueList());
        return next with { InFlight = next.InFlight.Add(commit), Expected = next.Expected.Add(commit) };
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"generation {Generation} (owned since {OwnedSince}, fenced {FencedGeneration?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}), " +
        $"now {NowMs} ms, last commit {LastCommitMs} ms; {string.Join("; ", Partitions.Select((p, i) => $"p{i}: {p}"))}; " +
        $"in flight [{string.Join(", ", InFlight)}]; event {Event?.ToString() ?? "-"}; expected [{string.Join(", ", Expected)}]{(Ignored ? "; ignored" : "")}";

    private AckModel With(int index, PartitionModel partition) => this with { Partitions = Partitions.SetItem(index, partition) };

    private AckModel Resolved(GroupEvent @event) => this with { Event = @event, Expected = [], Ignored = false };
}
