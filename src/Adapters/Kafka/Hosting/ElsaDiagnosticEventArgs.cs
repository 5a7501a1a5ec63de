using Elsa.Sim.Core;

namespace Elsa.Sim.Kafka.Hosting;

/// <summary>Something from outside was wrong or out of date and was ignored (a stale or malformed ack, a late worker
/// message, a failed commit that will be retried …): the group manager's <see cref="GroupEffect.Diagnostic"/>, or the
/// host's own for a malformed ack map.</summary>
public sealed class ElsaDiagnosticEventArgs(DiagnosticKind kind, string detail) : EventArgs
{
    /// <summary>What kind of diagnostic.</summary>
    public DiagnosticKind Kind { get; } = kind;

    /// <summary>What exactly, naming the partition, generation and worker concerned.</summary>
    public string Detail { get; } = detail;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Detail}";
}
