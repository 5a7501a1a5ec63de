using System.Text.Json.Serialization;

namespace Elsa.Sim.Simulation;

/// <summary>One line of a trace after the header: typed JSON, its kind in <c>type</c>, its virtual time in <c>t</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(StepRecord), "step")]
[JsonDerivedType(typeof(FaultRecord), "fault")]
[JsonDerivedType(typeof(NoteRecord), "note")]
[JsonDerivedType(typeof(ViolationRecord), "violation")]
[JsonDerivedType(typeof(VerdictRecord), "verdict")]
internal abstract record TraceRecord
{
    /// <summary>When it happened, in virtual milliseconds.</summary>
    [JsonPropertyName("t")]
    public long AtMs { get; init; }
}

/// <summary>One step of a member's group manager: the event it was given and the effects it returned.</summary>
/// <param name="Member">The member's index.</param>
/// <param name="Event">The event.</param>
/// <param name="Effects">The effects, in order.</param>
internal sealed record StepRecord(int Member, TracedItem Event, IReadOnlyList<TracedItem> Effects) : TraceRecord;

/// <summary>A fault struck.</summary>
/// <param name="Kind">Which fault.</param>
/// <param name="Text">What happened, in words.</param>
internal sealed record FaultRecord(FaultKind Kind, string Text) : TraceRecord
{
    /// <summary>The member it struck, when it struck one.</summary>
    public int? Member { get; init; }

    /// <summary>The partition it struck (<c>topic/partition</c>), when it struck one.</summary>
    public string? Partition { get; init; }
}

/// <summary>Something outside a machine step: the run's <c>scenario</c>, or a member process going <c>down</c>.</summary>
/// <param name="Kind"><c>scenario</c> or <c>down</c>.</param>
/// <param name="Text">What it says.</param>
internal sealed record NoteRecord(string Kind, string Text) : TraceRecord
{
    /// <summary>The member it is about, when it is about one.</summary>
    public int? Member { get; init; }
}

/// <summary>The first broken property: the oracle stops the run here.</summary>
/// <param name="Kind">Which property (<see cref="ViolationKinds"/>).</param>
/// <param name="Detail">What exactly was wrong.</param>
/// <param name="Members">The members it names.</param>
/// <param name="Partitions">The partitions it names (<c>topic/partition</c>).</param>
internal sealed record ViolationRecord(string Kind, string Detail, IReadOnlyList<int> Members, IReadOnlyList<string> Partitions) : TraceRecord;

/// <summary>The last line: <c>pass</c>, or the violation.</summary>
/// <param name="Verdict">The verdict.</param>
internal sealed record VerdictRecord(string Verdict) : TraceRecord;
