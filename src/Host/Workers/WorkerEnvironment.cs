using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;
using Elsa.Sim.Hosting.Telemetry;
using Elsa.Sim.Hosting.Threading;
using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Hosting.Workers;

/// <summary>What every worker of one consumer shares: the port, the router, the window sizes, the handler factory and the
/// way back to the group manager.</summary>
internal sealed class WorkerEnvironment
{
    /// <summary>The consumer's name (<see cref="ElsaConsumerOptions.Name"/>), for telemetry.</summary>
    public required string Consumer { get; init; }

    public required string Group { get; init; }

    public required object? HandlerInitArgs { get; init; }

    public required IMessageHandlerFactory Handlers { get; init; }

    public required IConsumerPort Port { get; init; }

    public required FetchRouter Router { get; init; }

    /// <summary>Where the workers' tasks run.</summary>
    public required IHostScheduler Scheduler { get; init; }

    public required int PrefetchCount { get; init; }

    public required long PrefetchBytes { get; init; }

    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>What crashed workers leave for the next ones and for the dead-letter policy.</summary>
    public CrashEvidence Evidence { get; } = new();

    /// <summary>Whether a crash on a batch of several messages makes the next workers hand messages over singly until past
    /// that batch: only under the dead-letter policy, which must know which message a crash was on.</summary>
    public required bool IsolateAfterCrash { get; init; }

    /// <summary>Sends an event to the group manager's loop.</summary>
    public required Action<GroupEvent> Post { get; init; }

    /// <summary>Cancelled only when the consumer is torn down without waiting (failure, or a stop that ran out of time);
    /// a graceful stop lets the batch in hand finish.</summary>
    public required CancellationToken Abort { get; init; }

    public required ILogger Logger { get; init; }

    public required ConsumerMetrics Metrics { get; init; }
}
