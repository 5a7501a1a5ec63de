namespace Elsa.Sim.Core;

/// <summary>Elsa's <c>assignment_received_handler</c>: called for each assigned partition before its worker starts.
/// Return <see cref="CallbackOutcome.Ok"/>, or a failure to stop the manager.</summary>
public delegate ValueTask<CallbackOutcome> AssignmentReceivedCallback(
    string group, TopicPartitionId partition, int generationId, CancellationToken cancellationToken);

/// <summary>Elsa's <c>assignments_revoked_handler</c>: called once revoked partitions' workers have stopped and their
/// acks were committed.</summary>
public delegate ValueTask AssignmentsRevokedCallback(IReadOnlyList<TopicPartitionId> partitions, CancellationToken cancellationToken);
