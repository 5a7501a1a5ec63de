using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Port;

/// <summary>Where <see cref="RestartExhaustedPolicy.DeadLetter"/> writes a poison message (Elsa.Sim.Kafka's writes to a
/// Kafka topic). The consumer commits past the message only after <see cref="WriteAsync"/> completed, so a write must
/// complete only once the destination acknowledged it durably; a write that throws is tried again after a backoff. A
/// revocation or a stop during a write can make the next owner write the same message again: dead letters are
/// at-least-once, like everything else.</summary>
public interface IDeadLetterWriter
{
    /// <summary>Writes <paramref name="letter"/>; completes once the destination acknowledged it.</summary>
    /// <param name="letter">The poison message, where it came from, and why it could not be handled.</param>
    /// <param name="cancellationToken">Cancelled when the consumer is torn down.</param>
    ValueTask WriteAsync(DeadLetterMessage letter, CancellationToken cancellationToken);
}

/// <summary>A poison message on its way to the dead-letter destination.</summary>
/// <param name="Group">The consumer group that could not handle it.</param>
/// <param name="Message">The message, as the handler was handed it (topic, partition, offset, key, value, headers).</param>
/// <param name="Reason">The crash that spent the partition's restart budget: handler type, stage, exception.</param>
public sealed record DeadLetterMessage(string Group, ConsumedMessage Message, string Reason);
