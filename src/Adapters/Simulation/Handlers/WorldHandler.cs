using Elsa.Sim.Core;
using Elsa.Sim.Hosting.Threading;

namespace Elsa.Sim.Simulation;

/// <summary>The handler type every simulated member's host runs: the host makes one per worker start, exactly as it makes
/// a user's handler in production. Around the real work (the run's user handler, or the simulator's
/// <see cref="ModelHandler"/>) it tells the oracle what reaches the handler and what the handler finished, takes the
/// batch's virtual time from the member's profile, and injects the faults that strike handlers and their acks.</summary>
internal sealed class WorldHandler : IMessageHandler, IAsyncDisposable
{
    // Further than any simulated log grows, so a delayed bogus ack can never land on a delivered offset.
    private const long AckBeyondDistance = 1_000_000_000;

    private HandlerSite? _site;
    private IMessageHandler? _inner;
    private OwnershipEpoch? _epoch;
    private TopicPartitionId _partition;
    private int _generationId;

    private HandlerSite Site => _site ?? throw new InvalidOperationException("the handler was not initialised");

    public async ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        _site = (HandlerSite)context.InitArgs!;
        _partition = context.Partition;
        _generationId = context.GenerationId;
        _epoch = Site.Oracle.HandlerStarted(Site.Member, _partition);
        try
        {
            _inner = Site.User is { } user ? user.Create() : new ModelHandler(Site);
            await _inner.InitAsync(context with { InitArgs = null }, cancellationToken);
        }
        catch (Exception)
        {
            Crashed();
            throw;
        }
    }

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var site = Site;
        var inner = _inner!;
        var first = messages[0].Offset;
        var last = messages[^1].Offset;
        if (_epoch is { } epoch)
        {
            site.Oracle.BatchHanded(site.Member, _partition, epoch, first, last);
        }

        if (site.Faults.TakeWorkerCrash(_partition))
        {
            Crashed();
            throw new SimulatedFaultException($"worker crash on {_partition}");
        }

        var rng = site.Random;
        if (site.Profile.MaxLatencyMs > 0)
        {
            try
            {
                await Delays.Cancellable(site.Cluster.Clock, TimeSpan.FromMilliseconds(rng.Between(site.Profile.MinLatencyMs, site.Profile.MaxLatencyMs)), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                site.Oracle.HandlerCancelled(site.Member, _partition);
                throw;
            }
        }
        if (site.Faults.TakeHandlerException(_partition, rng))
        {
            // Some of the batch handled, none of it acked.
            var handledUpTo = first + rng.Between(0, last - first) - 1;
            if (handledUpTo >= first)
            {
                await HandleAsync(inner, [.. messages.Take((int)(handledUpTo - first + 1))], cancellationToken);
            }

            Crashed();
            throw new SimulatedFaultException($"handler exception on {_partition} after {handledUpTo - first + 1} of {messages.Count} messages");
        }

        var result = await HandleAsync(inner, messages, cancellationToken);
        return BendAck(result, last);
    }

    public async ValueTask DisposeAsync()
    {
        if (_site is { } site)
        {
            site.Oracle.HandlerEnded(site.Member, _partition);
        }

        await HandlerDisposal.DisposeAsync(_inner);
    }

    /// <summary>Hands <paramref name="messages"/> to the real handler; what it returned from counts as handled, and
    /// nothing does when it threw (which of them it finished is unknown).</summary>
    private async ValueTask<HandlerResult> HandleAsync(IMessageHandler inner, IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        HandlerResult result;
        try
        {
            result = await inner.HandleMessagesAsync(messages, cancellationToken);
        }
        catch (Exception)
        {
            Crashed();
            throw;
        }

        if (_epoch is { } epoch)
        {
            Site.Oracle.Handled(Site.Member, _partition, epoch, messages[0].Offset, messages[^1].Offset);
        }

        return result;
    }

    /// <summary>The ack faults: an ack past the end of the log, and acks that reach the group manager late, twice or out
    /// of order (sent out of band, through <c>ElsaConsumer.Ack</c>, instead of as the handler's result).</summary>
    private HandlerResult BendAck(HandlerResult result, long last)
    {
        var site = Site;
        if (site.Faults.TakeAckBeyond(_partition) is > 0 and var beyond)
        {
            site.AckLater(0, _partition, _generationId, site.Cluster.Log(_partition).HighWatermark + AckBeyondDistance + beyond);
        }

        if (result.AckedOffset(last) is not { } acked)
        {
            return result;
        }

        var rng = site.Random;
        if (site.Faults.InWindow(FaultKind.AckDelay))
        {
            site.AckLater(rng.Between(100, 3_000), _partition, _generationId, acked);
            return HandlerResult.NoAck;
        }

        if (site.Faults.InWindow(FaultKind.AckReorder))
        {
            site.AckLater(rng.Between(0, 500), _partition, _generationId, acked);
            return HandlerResult.NoAck;
        }

        if (site.Faults.InWindow(FaultKind.AckDuplicate))
        {
            site.AckLater(rng.Between(0, 200), _partition, _generationId, acked);
        }

        return result;
    }

    private void Crashed()
    {
        if (_epoch is { } epoch)
        {
            Site.Oracle.HandlerCrashed(_partition, epoch);
        }
        else
        {
            Site.Oracle.Cause(_partition);
        }
    }
}
