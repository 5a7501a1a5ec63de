using Elsa.Sim.Core;
using Elsa.Sim.Kafka.Port;
using Elsa.Sim.Kafka.Telemetry;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Kafka.Workers;

/// <summary>What every worker of one consumer shares: the port, the router, the window sizes, the handler factory and the
/// way back to the group manager.</summary>
internal sealed class WorkerEnvironment
{
    public required string Group { get; init; }

    public required object? HandlerInitArgs { get; init; }

    public required IMessageHandlerFactory Handlers { get; init; }

    public required IKafkaConsumerPort Port { get; init; }

    public required FetchRouter Router { get; init; }

    public required int PrefetchCount { get; init; }

    public required long PrefetchBytes { get; init; }

    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>Sends an event to the group manager's loop.</summary>
    public required Action<GroupEvent> Post { get; init; }

    /// <summary>Cancelled only when the consumer is torn down without waiting (failure, or a stop that ran out of time);
    /// a graceful stop lets the batch in hand finish.</summary>
    public required CancellationToken Abort { get; init; }

    public required ILogger Logger { get; init; }

    public required KafkaMetrics Metrics { get; init; }
}
