using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Port;

namespace Elsa.Sim.Simulation;

/// <summary>The simulator's own handler, used when a run has no user handler: it handles every message it is given and
/// acks the way its member's <see cref="HandlerProfile"/> says, as Elsa handlers do (<c>ack</c>, <c>ack</c> at an
/// offset, <c>no_ack</c> then a later <c>ack/5</c>, <c>continue</c> for a few batches). It never leaves its window full
/// behind a partial ack: that would stall the partition by its own choice, which is the handler's bug, not the
/// library's.</summary>
internal sealed class ModelHandler(HandlerSite site) : IMessageHandler
{
    private int _batches;
    private long _lastAckAtMs;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        _batches++;
        var rng = site.Random;
        var first = messages[0].Offset;
        var last = messages[^1].Offset;
        var partition = new TopicPartitionId(messages[0].Topic, messages[0].Partition);
        var caughtUp = last + 1 >= site.Cluster.Log(partition).HighWatermark;
        var result = site.Profile.Acking switch
        {
            AckStyle.EveryBatch => HandlerResult.Ack,
            AckStyle.Partial => PartialAck(first, last, caughtUp),
            AckStyle.Later => AckLater(partition, messages[0].GenerationId, last),
            AckStyle.EveryThirdBatch => caughtUp || _batches % 3 == 0 ? HandlerResult.Ack : HandlerResult.Continue,
            _ => throw new System.Diagnostics.UnreachableException(),
        };
        return ValueTask.FromResult(result);

        HandlerResult PartialAck(long from, long to, bool atEnd)
        {
            var partial = from + rng.Between(0, Math.Max(0, to - from - 1));
            return atEnd || from == to || rng.Chance(0.5) || Stalls(to - partial) ? HandlerResult.Ack : HandlerResult.AckAt(partial);
        }
    }

    /// <summary><c>no_ack</c>, then an ack a little later, in order, as code handing messages on would.</summary>
    private HandlerResult AckLater(TopicPartitionId partition, int generationId, long last)
    {
        var nowMs = site.Cluster.Clock.NowMs;
        _lastAckAtMs = Math.Max(nowMs + site.Random.Between(5, 300), _lastAckAtMs);
        site.AckLater(_lastAckAtMs - nowMs, partition, generationId, last);
        return HandlerResult.NoAck;
    }

    /// <summary>Whether leaving <paramref name="held"/> messages unacked would keep the window full, each weighed as the
    /// window weighs it (a model message has no key and no headers).</summary>
    private bool Stalls(long held) =>
        held > site.Config.PrefetchCount && held * (SimulatedCluster.MessageBytes + FetchedMessage.OverheadBytes) > site.Config.PrefetchBytes;
}
