using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>How a member's handlers behave in a scenario; passed to them as <c>handler_init_args</c>.</summary>
internal sealed record HandlerScript(string Member, Ledger Ledger)
{
    /// <summary>Return <c>no_ack</c> and leave the ack to a later <c>Ack</c> call (see <see cref="Ledger.HoldAck"/>).</summary>
    public bool HoldAcks { get; init; }

    /// <summary>Throw once on the batch holding one of these offsets (any partition): a worker crash.</summary>
    public IReadOnlySet<long> CrashAt { get; init; } = new HashSet<long>();

    /// <summary>Scheduling points inside each batch: a handler that takes its time lets other work interleave.</summary>
    public int YieldsPerBatch { get; init; } = 1;
}
