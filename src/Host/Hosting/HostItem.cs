using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting;

/// <summary>What the group manager's loop takes from its queue, one at a time. A closed union.</summary>
internal abstract record HostItem
{
    private HostItem()
    {
    }

    /// <summary>An event for the machine: from a worker, a callback, the committer or an ack.</summary>
    public sealed record Event(GroupEvent Value) : HostItem;

    /// <summary>The deadline the machine asked for has come: tick.</summary>
    public sealed record TickDue : HostItem;

    /// <summary>The assignment callback is waiting on the consume thread until <paramref name="Gate"/> opens.</summary>
    public sealed record Assignment(GroupEvent.AssignmentsReceived Value, AssignmentGate Gate) : HostItem;

    /// <summary>A revoke or lost callback is waiting on the consume thread until <paramref name="Gate"/> opens.</summary>
    public sealed record Revocation(GroupEvent Value, RevocationGate Gate) : HostItem;

    /// <summary>A diagnostic the host itself found (a malformed ack map), reported in order with the machine's.</summary>
    public sealed record Report(GroupEffect.Diagnostic Diagnostic) : HostItem;
}
