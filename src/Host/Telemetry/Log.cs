using Elsa.Sim.Core;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Hosting.Telemetry;

/// <summary>Every log line the host writes, source-generated so a disabled level costs no formatting.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Consumer group {Group} starting on topics {Topics}")]
    public static partial void Starting(this ILogger logger, string group, string topics);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Consumer group {Group} stopping")]
    public static partial void Stopping(this ILogger logger, string group);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Consumer group {Group} stopped")]
    public static partial void Stopped(this ILogger logger, string group);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "Consumer group {Group} failed: {Reason}")]
    public static partial void Failed(this ILogger logger, string group, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Consumer group {Group}: {What} did not finish within {TimeoutMs} ms; going on without it")]
    public static partial void GaveUpWaiting(this ILogger logger, string group, string what, long timeoutMs);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Consumer group {Group}: the stop was cancelled before the graceful shutdown finished; cancelling handlers and leaving without the final commit")]
    public static partial void ShutdownCut(this ILogger logger, string group);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Assigned {Partitions} as local generation {GenerationId} (member {MemberId})")]
    public static partial void Assigned(this ILogger logger, string partitions, int generationId, string memberId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Revoking {Partitions}")]
    public static partial void Revoking(this ILogger logger, string partitions);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Lost {Partitions}: nothing more is committed for them")]
    public static partial void Lost(this ILogger logger, string partitions);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Reading committed offsets for {Partitions} failed (attempt {Attempt}): {Reason}")]
    public static partial void CommittedReadFailed(this ILogger logger, string partitions, int attempt, string reason);

    [LoggerMessage(EventId = 20, Message = "{Kind}: {Detail}")]
    public static partial void Diagnostic(this ILogger logger, LogLevel level, DiagnosticKind kind, string detail);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "Commit for local generation {GenerationId} threw; reported as retriable")]
    public static partial void CommitThrew(this ILogger logger, Exception exception, int generationId);

    [LoggerMessage(EventId = 30, Level = LogLevel.Warning, Message = "Worker {Worker} of {Partition} crashed: {Cause}")]
    public static partial void WorkerCrashed(this ILogger logger, Exception exception, WorkerId worker, TopicPartitionId partition, string cause);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Worker {Worker} of {Partition} could not be positioned at {Position}: {Reason}")]
    public static partial void WorkerStartFailed(this ILogger logger, WorkerId worker, TopicPartitionId partition, string position, string reason);

    [LoggerMessage(EventId = 32, Level = LogLevel.Warning, Message = "Disposing the handler of worker {Worker} failed")]
    public static partial void HandlerDisposeFailed(this ILogger logger, Exception exception, WorkerId worker);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "The {Callback} callback threw")]
    public static partial void CallbackThrew(this ILogger logger, Exception exception, string callback);

    [LoggerMessage(EventId = 34, Level = LogLevel.Warning, Message = "A subscriber of {Event} threw")]
    public static partial void SubscriberThrew(this ILogger logger, Exception exception, string @event);

    [LoggerMessage(EventId = 42, Level = LogLevel.Warning, Message = "Consume failed; going on: {Reason}")]
    public static partial void ConsumeFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "Closing the consumer's client failed")]
    public static partial void CloseFailed(this ILogger logger, Exception exception);
}
