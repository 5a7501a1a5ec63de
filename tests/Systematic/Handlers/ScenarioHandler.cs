using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Support;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>The message handler every scenario runs, one instance per worker start as the host creates them (inside the
/// simulator's handler decorator, which tells the oracle what it was handed and returned from). It records the batches
/// it has in hand, and behaves as its <see cref="HandlerScript"/> says.</summary>
internal sealed class ScenarioHandler(HandlerScript script) : IMessageHandler
{
    private HandlerContext? _context;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _context = context;
        return ValueTask.CompletedTask;
    }

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        var group = script.Group;
        var member = script.Member;
        var partition = _context!.Partition;
        if (group.Ledger.BatchStarted(member))
        {
            group.Happenings.Reach(Cue.BatchStarted, member);
        }

        try
        {
            for (var i = 0; i < script.YieldsPerBatch; i++)
            {
                await Task.Yield();
            }

            foreach (var message in messages)
            {
                if (script.CrashAt.Contains(message.Offset) && group.Ledger.CrashFirstTime(partition, message.Offset))
                {
                    if (script.CrashDuringRevocation)
                    {
                        group.Happenings.Reach(Cue.CrashArmed, member);
                        await group.Happenings.When(Cue.RevocationBegan, member);
                    }

                    if (group.IsRevoking(member))
                    {
                        group.Happenings.Saw(Race.CrashDuringRevocation);
                    }

                    throw new InvalidOperationException($"planned crash at {partition}@{message.Offset}");
                }
            }

            var last = messages[^1].Offset;
            if (!script.HoldAcks)
            {
                return HandlerResult.Ack;
            }

            if (group.Ledger.HoldAck(new HeldAck(member, partition, _context.GenerationId, last)))
            {
                group.Happenings.Reach(Cue.AckHeld, member);
            }

            return HandlerResult.NoAck;
        }
        finally
        {
            group.Ledger.BatchEnded(member);
        }
    }
}
