using System.Globalization;
using System.Text;

namespace Elsa.Sim.Properties.Tests.Kit;

/// <summary>What the test handlers of one run write to: a running total of the messages' amounts, and each message
/// applied, as a user's database would hold them.</summary>
internal sealed class Tally
{
    public HashSet<(string Topic, int Partition, long Offset)> Applied { get; } = [];

    public long Total { get; set; }

    public long Batches { get; set; }

    public long Inits { get; set; }

    public long Throws { get; set; }

    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"total={Total} messages={Applied.Count}");

    public static long Amount(ConsumedMessage message) => long.Parse(Encoding.UTF8.GetString(message.Value.Span), CultureInfo.InvariantCulture);
}

/// <summary>Adds each message's amount once, keyed by partition and offset, and acks every batch: idempotent.</summary>
internal sealed class DedupingTallyHandler(Tally tally) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        tally.Batches++;
        foreach (var message in messages)
        {
            if (tally.Applied.Add((message.Topic, message.Partition, message.Offset)))
            {
                tally.Total += Tally.Amount(message);
            }
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}

/// <summary>The planted bug: adds every amount it is handed, so a redelivered message counts twice.</summary>
internal sealed class DoubleCountingTallyHandler(Tally tally) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            tally.Applied.Add((message.Topic, message.Partition, message.Offset));
            tally.Total += Tally.Amount(message);
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}

/// <summary>A user bug of another kind: never acks (continue forever), so nothing is ever committed.</summary>
internal sealed class NeverAckingHandler(Tally tally) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        tally.Batches++;
        return ValueTask.FromResult(HandlerResult.Continue);
    }
}

/// <summary>Deduplicates like <see cref="DedupingTallyHandler"/>, but every seventh batch of a run throws halfway through
/// it, and every fifth handler of a run fails to initialise: workers crash and are restarted.</summary>
internal sealed class SometimesThrowingTallyHandler(Tally tally) : IMessageHandler
{
    private readonly DedupingTallyHandler _inner = new(tally);

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        if (++tally.Inits % 5 == 0)
        {
            throw new InvalidOperationException("init failed");
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        if ((tally.Batches + 1) % 7 == 0)
        {
            tally.Batches++;
            tally.Throws++;
            _ = _inner.HandleMessagesAsync([.. messages.Take(messages.Count / 2)], cancellationToken);
            throw new InvalidOperationException("handler failed");
        }

        return _inner.HandleMessagesAsync(messages, cancellationToken);
    }
}

/// <summary>A user bug the simulator cannot see: acks every batch but never applies offsets ending in 13 (say, it
/// swallows the exception a malformed message throws).</summary>
internal sealed class SkippingTallyHandler(Tally tally) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        tally.Batches++;
        foreach (var message in messages.Where(m => m.Offset % 100 != 13))
        {
            if (tally.Applied.Add((message.Topic, message.Partition, message.Offset)))
            {
                tally.Total += Tally.Amount(message);
            }
        }

        return ValueTask.FromResult(HandlerResult.Ack);
    }
}
