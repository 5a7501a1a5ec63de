using Elsa.Sim.Systematic.Tests.Support;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>How a member's handlers behave in a scenario, and the iteration's world they report to.</summary>
internal sealed record HandlerScript(string Member, TestGroup Group)
{
    /// <summary>Return <c>no_ack</c> and leave the ack to a later <c>Ack</c> call (see <see cref="Ledger.HoldAck"/>).</summary>
    public bool HoldAcks { get; init; }

    /// <summary>Throw once on the batch holding one of these offsets (any partition): a worker crash.</summary>
    public IReadOnlySet<long> CrashAt { get; init; } = new HashSet<long>();

    /// <summary>Hold the batch planned to crash until the member's revoke callback is running, then throw: the crash
    /// lands during the revocation.</summary>
    public bool CrashDuringRevocation { get; init; }

    /// <summary>Scheduling points inside each batch: a handler that takes its time lets other work interleave.</summary>
    public int YieldsPerBatch { get; init; } = 1;
}
