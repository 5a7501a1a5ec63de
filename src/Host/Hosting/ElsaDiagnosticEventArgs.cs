using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting;

/// <summary>Something a user or operator should know (a stale or malformed ack, a late worker message, a failed commit
/// that will be retried, a worker crash, an offset reset …): the group manager's <see cref="GroupEffect.Diagnostic"/>, or
/// the host's own for a malformed ack map.</summary>
public sealed class ElsaDiagnosticEventArgs(GroupEffect.Diagnostic diagnostic) : EventArgs
{
    /// <summary>The diagnostic with its facts (partitions, generation, worker, offset, skipped offsets), for code.</summary>
    public GroupEffect.Diagnostic Diagnostic { get; } = diagnostic ?? throw new ArgumentNullException(nameof(diagnostic));

    /// <summary>What kind of diagnostic.</summary>
    public DiagnosticKind Kind => Diagnostic.Kind;

    /// <summary>What exactly, for people, naming the partition, generation and worker concerned.</summary>
    public string Detail => Diagnostic.Detail;

    /// <inheritdoc />
    public override string ToString() => $"{Kind}: {Detail}";
}
