using Elsa.Sim.Core;
using Microsoft.Coyote.Specifications;
using Monitor = Microsoft.Coyote.Specifications.Monitor;

namespace Elsa.Sim.Systematic.Tests.Monitors;

// What the harness observes, as events for the safety and liveness monitors. Workers are observed through the handler
// (a worker owns its partition from InitAsync until its handler is disposed), commits at the port (sent) and at the broker
// (accepted), rebalances at the port's callbacks, stops where the scenario awaits them.

/// <summary>A worker initialised its handler: from now on it owns the partition.</summary>
internal sealed class WorkerStarted(string member, TopicPartition partition, int generation, long worker) : Monitor.Event
{
    public string Member { get; } = member;

    public TopicPartition Partition { get; } = partition;

    public int Generation { get; } = generation;

    public long Worker { get; } = worker;
}

/// <summary>A worker's handler was disposed: it no longer owns the partition.</summary>
internal sealed class WorkerEnded(string member, TopicPartition partition, long worker) : Monitor.Event
{
    public string Member { get; } = member;

    public TopicPartition Partition { get; } = partition;

    public long Worker { get; } = worker;
}

/// <summary>A handler returned from a batch.</summary>
internal sealed class BatchHandled(TopicPartition partition, long first, long last) : Monitor.Event
{
    public TopicPartition Partition { get; } = partition;

    public long First { get; } = first;

    public long Last { get; } = last;
}

/// <summary>The host sent a commit; <see cref="Owned"/> says whether the member's client still had the partition
/// assigned (no revoke or lost callback for it had returned).</summary>
internal sealed class CommitSent(string member, TopicPartition partition, long nextOffset, bool owned) : Monitor.Event
{
    public string Member { get; } = member;

    public TopicPartition Partition { get; } = partition;

    public long NextOffset { get; } = nextOffset;

    public bool Owned { get; } = owned;
}

/// <summary>The broker stored a commit.</summary>
internal sealed class CommitAccepted(string member, TopicPartition partition, long nextOffset) : Monitor.Event
{
    public string Member { get; } = member;

    public TopicPartition Partition { get; } = partition;

    public long NextOffset { get; } = nextOffset;
}

/// <summary>A partition's log holds offsets below <see cref="End"/>: each must be handled eventually.</summary>
internal sealed class Produced(TopicPartition partition, long end) : Monitor.Event
{
    public TopicPartition Partition { get; } = partition;

    public long End { get; } = end;
}

/// <summary>A revoke or lost callback began on a member's consume thread.</summary>
internal sealed class RevocationStarted : Monitor.Event
{
}

/// <summary>That callback returned.</summary>
internal sealed class RevocationEnded : Monitor.Event
{
}

/// <summary>A member's <c>StopAsync</c> returned and the member ended cleanly: none of its handlers may still own a
/// partition.</summary>
internal sealed class MemberStopped(string member) : Monitor.Event
{
    public string Member { get; } = member;
}

/// <summary>The scenario stops expecting progress (the consumer is meant to fail); revocations must still complete.</summary>
internal sealed class ProgressWaived : Monitor.Event
{
}
