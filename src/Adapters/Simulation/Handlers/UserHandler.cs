using Elsa.Sim.Core;

namespace Elsa.Sim.Simulation;

/// <summary>Your own <see cref="IMessageHandler"/>, run by every simulated worker in place of the simulator's handler
/// model: set it as <see cref="SimulationOptions.UserHandler"/>. The handler decides the acks (through
/// <see cref="HandlerResult.AckedOffset"/>, as in the Kafka adapter); the member's profile still decides how long a batch
/// takes in virtual time. A handler runs inside the shipped host, on the simulator's one thread, and its awaits resume
/// there; it must do without real I/O, timers, threads, <c>ConfigureAwait(false)</c> or the wall clock (work that leaves
/// the thread fails the run as <c>nondeterminism</c>): then a seed means the same run everywhere. Elsa.Sim.Testing's
/// handler test kit is built on this.</summary>
/// <param name="Create">Makes a fresh handler for each worker start, as the Kafka adapter's handler factory does.</param>
/// <param name="Content">The key and value of the message at an offset of a partition. It must depend only on its
/// arguments, so that two runs of a seed (with and without faults) hand the handler the same messages.</param>
public sealed record UserHandler(
    Func<IMessageHandler> Create,
    Func<TopicPartitionId, long, (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte> Value)> Content)
{
    /// <summary>Message timestamps: a fixed epoch (2026-01-01T00:00:00Z, in Unix ms) plus the offset, never the wall
    /// clock, so runs stay reproducible.</summary>
    public const long TimestampEpochMs = 1_767_225_600_000;

    /// <summary>What the trace header calls this handler (its <c>handler</c> field), so a trace says it cannot be run
    /// again without your code. Default <c>user</c>.</summary>
    public string Name { get; init; } = "user";

    /// <summary>A check of what your handlers did, made when a run ends after passing every check of the simulator's own:
    /// given where each partition ended up, it returns the kind and detail of a violation to fail the run with (written
    /// to the trace like any other), or null. Default null.</summary>
    public Func<IReadOnlyList<PartitionOutcome>, (string Kind, string Detail)?>? CheckAtEnd { get; init; }

    /// <summary>The message at <paramref name="offset"/> of <paramref name="partition"/>, as a worker of generation
    /// <paramref name="generationId"/> hands it over: <see cref="Content"/>'s key and value, the fixed timestamp.</summary>
    public ConsumedMessage Message(TopicPartitionId partition, long offset, int generationId)
    {
        var (key, value) = Content(partition, offset);
        return Message(partition, offset, generationId, key, value);
    }

    /// <summary>A message with the given key and value as the simulator hands messages over (timestamp
    /// <see cref="TimestampEpochMs"/> plus the offset), for tests that call a handler directly.</summary>
    public static ConsumedMessage Message(TopicPartitionId partition, long offset, int generationId, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value) =>
        new(partition.Topic, partition.Partition, offset, TimestampEpochMs + offset, key, value, generationId);
}
