using System.Diagnostics;
using System.Globalization;
using System.Text;
using Elsa.Sim.Core;

namespace Elsa.Sim.Hosting.Telemetry;

/// <summary>The host's spans, on the activity source <see cref="ActivitySourceName"/>: one <c>process</c> span per batch
/// handed to a handler, after OpenTelemetry's messaging conventions (a consumer span named <c>process {topic}</c> with
/// the <c>messaging.*</c> attributes, linked to each message's producer span), plus the consumer's name, the generation
/// and the batch's offsets. The span is
/// current while the handler runs, so what the handler traces (an HTTP call, a database command) nests under it. Nothing
/// is allocated unless something listens.</summary>
internal static class ConsumerTracing
{
    /// <summary>The activity source's name, to enable in an <see cref="ActivityListener"/> or OpenTelemetry.</summary>
    public const string ActivitySourceName = "Elsa.Sim";

    private static readonly ActivitySource Source = new(ActivitySourceName, typeof(ConsumerTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of a batch of <paramref name="messages"/> of <paramref name="partition"/>, linked to the
    /// span that produced each message (its W3C <c>traceparent</c> and <c>tracestate</c> headers), as OpenTelemetry's
    /// messaging conventions ask of a batch; null when nobody listens.</summary>
    public static Activity? StartProcess(string consumer, string group, TopicPartitionId partition, int generationId, IReadOnlyList<ConsumedMessage> messages)
    {
        if (!Source.HasListeners() ||
            Source.StartActivity(ActivityKind.Consumer, links: ProducerLinks(messages), name: $"process {partition.Topic}") is not { } activity)
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
            activity.SetTag("messaging.batch.message_count", messages.Count);
            activity.SetTag("elsa.consumer", consumer);
            activity.SetTag("elsa.generation", generationId);
            activity.SetTag("elsa.offset.first", messages[0].Offset);
            activity.SetTag("elsa.offset.last", messages[^1].Offset);
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

    /// <summary>A link to the producer's span of every message that carries a valid <c>traceparent</c> header; null when
    /// none does.</summary>
    private static List<ActivityLink>? ProducerLinks(IReadOnlyList<ConsumedMessage> messages)
    {
        List<ActivityLink>? links = null;
        foreach (var message in messages)
        {
            string? traceParent = null;
            string? traceState = null;
            foreach (var header in message.Headers)
            {
                if (header.Key == "traceparent")
                {
                    traceParent = Encoding.UTF8.GetString(header.Value.Span);
                }
                else if (header.Key == "tracestate")
                {
                    traceState = Encoding.UTF8.GetString(header.Value.Span);
                }
            }

            if (traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context))
            {
                (links ??= []).Add(new ActivityLink(context));
            }
        }

        return links;
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
