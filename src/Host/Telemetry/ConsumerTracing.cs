using System.Diagnostics;
using System.Globalization;
using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Telemetry;

/// <summary>The host's spans, on the activity source <see cref="ActivitySourceName"/>: one <c>process</c> span per batch
/// handed to a handler, after OpenTelemetry's messaging conventions (a consumer span named <c>process {topic}</c> with
/// the <c>messaging.*</c> attributes), plus the consumer's name, the generation and the batch's offsets. The span is
/// current while the handler runs, so what the handler traces (an HTTP call, a database command) nests under it. Nothing
/// is allocated unless something listens.</summary>
internal static class ConsumerTracing
{
    /// <summary>The activity source's name, to enable in an <see cref="ActivityListener"/> or OpenTelemetry.</summary>
    public const string ActivitySourceName = "Elsa.Sim";

    private static readonly ActivitySource Source = new(ActivitySourceName, typeof(ConsumerTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of a batch of <paramref name="count"/> messages, <paramref name="first"/> to
    /// <paramref name="last"/>, of <paramref name="partition"/>; null when nobody listens.</summary>
    public static Activity? StartProcess(string consumer, string group, TopicPartitionId partition, int generationId, long first, long last, int count)
    {
        if (!Source.HasListeners() || Source.StartActivity($"process {partition.Topic}", ActivityKind.Consumer) is not { } activity)
        {
            return null;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.system", "kafka");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.destination.name", partition.Topic);
            activity.SetTag("messaging.destination.partition.id", partition.Partition.ToString(CultureInfo.InvariantCulture));
            activity.SetTag("messaging.consumer.group.name", group);
            activity.SetTag("messaging.batch.message_count", count);
            activity.SetTag("elsa.consumer", consumer);
            activity.SetTag("elsa.generation", generationId);
            activity.SetTag("elsa.offset.first", first);
            activity.SetTag("elsa.offset.last", last);
        }

        return activity;
    }

    /// <summary>Records what the handler returned: <c>ack</c> (with the offset), <c>no_ack</c> or <c>continue</c>.</summary>
    public static void Settled(Activity? activity, HandlerResult result, long lastOffset)
    {
        if (activity is not { IsAllDataRequested: true })
        {
            return;
        }

        activity.SetTag("elsa.result", result.Kind switch
        {
            HandlerResultKind.Continue => "continue",
            _ when result.AckedOffset(lastOffset) is not null => "ack",
            _ => "no_ack",
        });
        if (result.AckedOffset(lastOffset) is { } acked)
        {
            activity.SetTag("elsa.acked_offset", acked);
        }
    }

    /// <summary>Marks the span failed with <paramref name="exception"/> (the worker crashes); always false, so it can
    /// serve as an exception filter that leaves the exception to propagate untouched.</summary>
    public static bool Failed(Activity? activity, Exception exception)
    {
        if (activity is not null)
        {
            activity.SetStatus(ActivityStatusCode.Error, exception.Message);
            activity.AddException(exception);
            activity.SetTag("error.type", exception.GetType().FullName);
        }

        return false;
    }
}
