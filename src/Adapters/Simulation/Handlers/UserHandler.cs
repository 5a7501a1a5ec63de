using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>A user's <see cref="IMessageHandler"/>, run by every simulated worker in place of the handler model (the
/// handler test kit in Elsa.Sim.Testing sets it). The handler decides the acks; the member's profile still decides how
/// long a batch takes in virtual time.</summary>
/// <param name="Create">Makes a fresh handler for each worker start, as the Kafka adapter's handler factory does.</param>
/// <param name="Content">The key and value of the message at an offset of a partition. It must not depend on the run,
/// so that a run with faults and one without hand the handler the same messages.</param>
internal sealed record UserHandler(
    Func<IMessageHandler> Create,
    Func<TopicPartition, long, (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)> Content)
{
    /// <summary>Message timestamps: a fixed epoch plus the offset, never the wall clock, so runs stay reproducible.</summary>
    public const long TimestampEpochMs = 1_767_225_600_000;
}
