using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Port;

/// <summary>Where an assigned partition starts fetching, as returned from
/// <see cref="IRebalanceListener.OnPartitionsAssignedAsync"/>. A null <paramref name="Position"/> leaves the choice to the
/// client (the committed offset, else <c>auto.offset.reset</c>).</summary>
/// <param name="Partition">The assigned partition.</param>
/// <param name="Position">The start position, or null.</param>
public readonly record struct AssignedStart(TopicPartitionId Partition, StartPosition? Position);
