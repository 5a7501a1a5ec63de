using System.Globalization;
using System.Text.Json.Serialization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A group manager's event or effect as a trace records it: its kind (the record's name in the core, such as
/// <c>Acked</c> or <c>StartWorker</c>) and the fields that kind has; the others are left out of the JSON.</summary>
/// <param name="Kind">The event's or effect's name.</param>
internal sealed record TracedItem(string Kind)
{
    /// <summary>A worker (<c>w3</c>).</summary>
    public string? Worker { get; init; }

    /// <summary>One partition (<c>topic/partition</c>).</summary>
    public string? Partition { get; init; }

    /// <summary>Several partitions; absent with <see cref="AllPartitions"/>.</summary>
    public IReadOnlyList<string>? Partitions { get; init; }

    /// <summary>True when an event names every partition the member owns.</summary>
    public bool? AllPartitions { get; init; }

    /// <summary>A generation.</summary>
    public int? Generation { get; init; }

    /// <summary>An offset (an ack's, a position's).</summary>
    public long? Offset { get; init; }

    /// <summary>The first offset of a delivered batch.</summary>
    public long? First { get; init; }

    /// <summary>The last offset of a delivered batch.</summary>
    public long? Last { get; init; }

    /// <summary>Where a worker starts (<c>earliest</c>, <c>latest</c> or an offset).</summary>
    public string? Position { get; init; }

    /// <summary>Offsets per partition: a commit's (the next offset to read) or an assignment's committed ones.</summary>
    public IReadOnlyList<TracedOffset>? Offsets { get; init; }

    /// <summary>An outcome: a commit's, a callback's, a diagnostic's kind.</summary>
    public string? Outcome { get; init; }

    /// <summary>Words: an exit reason, a diagnostic's detail, a failure.</summary>
    public string? Detail { get; init; }

    /// <summary>The member id an assignment came with.</summary>
    public string? MemberId { get; init; }

    /// <summary>A tick's time on the machine's clock.</summary>
    public long? NowMs { get; init; }

    /// <summary>The traced form of an event.</summary>
    public static TracedItem Of(GroupEvent @event) => @event switch
    {
        GroupEvent.AssignmentsReceived e => new(nameof(GroupEvent.AssignmentsReceived))
        {
            MemberId = e.MemberId,
            Generation = e.GenerationId,
            Offsets = [.. e.Assignments.Select(a => new TracedOffset(Name(a.Partition), a.CommittedOffset))],
        },
        GroupEvent.AssignmentHandlerReturned e => new(nameof(GroupEvent.AssignmentHandlerReturned))
        {
            Partition = Name(e.Partition), Generation = e.GenerationId, Outcome = e.Outcome.ToString(),
        },
        GroupEvent.AssignmentsRevoked e => Selection(nameof(GroupEvent.AssignmentsRevoked), e.Partitions),
        GroupEvent.AssignmentsLost e => Selection(nameof(GroupEvent.AssignmentsLost), e.Partitions),
        GroupEvent.WorkerStopped e => new(nameof(GroupEvent.WorkerStopped)) { Worker = e.Worker.ToString() },
        GroupEvent.WorkerExited e => new(nameof(GroupEvent.WorkerExited)) { Worker = e.Worker.ToString(), Detail = e.Reason.ToString() },
        GroupEvent.WorkerPositioned e => new(nameof(GroupEvent.WorkerPositioned)) { Worker = e.Worker.ToString(), Offset = e.Offset },
        GroupEvent.OffsetOutOfRange e => new(nameof(GroupEvent.OffsetOutOfRange)) { Worker = e.Worker.ToString(), Offset = e.Offset },
        GroupEvent.MessagesDelivered e => new(nameof(GroupEvent.MessagesDelivered)) { Worker = e.Worker.ToString(), First = e.FirstOffset, Last = e.LastOffset },
        GroupEvent.Acked e => new(nameof(GroupEvent.Acked))
        {
            Partition = Name(e.Topic, e.Partition), Generation = e.GenerationId, Offset = e.Offset,
        },
        GroupEvent.CommitCompleted e => new(nameof(GroupEvent.CommitCompleted))
        {
            Generation = e.GenerationId, Offsets = Commits(e.Offsets), Outcome = e.Outcome.ToString(),
        },
        GroupEvent.Tick e => new(nameof(GroupEvent.Tick)) { NowMs = e.NowMs },
        GroupEvent.ShutdownRequested => new(nameof(GroupEvent.ShutdownRequested)),
        _ => new(@event.GetType().Name) { Detail = @event.ToString() },
    };

    /// <summary>The traced form of an effect.</summary>
    public static TracedItem Of(GroupEffect effect) => effect switch
    {
        GroupEffect.InvokeAssignmentReceived e => new(nameof(GroupEffect.InvokeAssignmentReceived)) { Partition = Name(e.Partition), Generation = e.GenerationId },
        GroupEffect.InvokeAssignmentsRevoked e => new(nameof(GroupEffect.InvokeAssignmentsRevoked)) { Partitions = Names(e.Partitions) },
        GroupEffect.StartWorker e => new(nameof(GroupEffect.StartWorker))
        {
            Worker = e.Worker.ToString(), Partition = Name(e.Partition), Generation = e.GenerationId, Position = e.Position.ToString(),
        },
        GroupEffect.StopWorker e => new(nameof(GroupEffect.StopWorker)) { Worker = e.Worker.ToString() },
        GroupEffect.CommitOffsets e => new(nameof(GroupEffect.CommitOffsets)) { Generation = e.GenerationId, Offsets = Commits(e.Offsets) },
        GroupEffect.CompleteRevocation e => new(nameof(GroupEffect.CompleteRevocation)) { Partitions = Names(e.Partitions) },
        GroupEffect.CompleteShutdown => new(nameof(GroupEffect.CompleteShutdown)),
        GroupEffect.Diagnostic e => new(nameof(GroupEffect.Diagnostic)) { Outcome = e.Kind.ToString(), Detail = e.Detail },
        GroupEffect.Fail e => new(nameof(GroupEffect.Fail)) { Detail = e.Reason },
        _ => new(effect.GetType().Name) { Detail = effect.ToString() },
    };

    private static TracedItem Selection(string kind, PartitionSelection selection) =>
        selection.IsAll ? new(kind) { AllPartitions = true } : new(kind) { Partitions = Names(selection.Partitions) };

    private static string Name(TopicPartitionId partition) => Name(partition.Topic, partition.Partition);

    private static string Name(string topic, int partition) => string.Create(CultureInfo.InvariantCulture, $"{topic}/{partition}");

    private static string[] Names(IEnumerable<TopicPartitionId> partitions) => [.. partitions.Select(Name)];

    private static TracedOffset[] Commits(IEnumerable<PartitionOffset> offsets) => [.. offsets.Select(o => new TracedOffset(Name(o.Partition), o.NextOffset))];
}

/// <summary>An offset of a partition in a trace.</summary>
/// <param name="Partition">The partition (<c>topic/partition</c>).</param>
/// <param name="Offset">The offset (Kafka's convention: the next to read); null when there is none.</param>
internal sealed record TracedOffset(string Partition, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Offset);
