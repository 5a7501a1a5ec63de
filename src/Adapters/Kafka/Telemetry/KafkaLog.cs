using Elsa.Sim.Core;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Kafka.Telemetry;

/// <summary>The Kafka port's log messages: what librdkafka reports, and refusals the port turns into outcomes.</summary>
internal static partial class KafkaLog
{
    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Kafka error {Code}: {Reason} (fatal: {IsFatal})")]
    public static partial void KafkaError(this ILogger logger, string code, string reason, bool isFatal);

    [LoggerMessage(EventId = 41, Message = "librdkafka {Facility}: {Text}")]
    public static partial void Librdkafka(this ILogger logger, LogLevel level, string facility, string text);

    [LoggerMessage(EventId = 45, Level = LogLevel.Warning, Message = "{Kind} repeated {Repeats} times in the last {Seconds} s; the latest: {Text}")]
    public static partial void Repeated(this ILogger logger, string kind, long repeats, long seconds, string text);

    [LoggerMessage(EventId = 43, Level = LogLevel.Debug, Message = "{Operation} of {Partitions} skipped: {Reason}")]
    public static partial void PauseResumeSkipped(this ILogger logger, string operation, string partitions, string reason);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "Commit refused ({Code}: {Reason}); reported as {Outcome}")]
    public static partial void CommitRefused(this ILogger logger, string code, string reason, CommitOutcome outcome);
}
