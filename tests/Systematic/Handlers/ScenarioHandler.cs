using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Monitors;
using Elsa.Sim.Systematic.Tests.Support;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>The message handler every scenario runs, one instance per worker as the host creates them. It owns its
/// partition from <see cref="InitAsync"/> until <see cref="Dispose"/> and tells the monitors so; it records each batch
/// it has in hand and returns from, and behaves as its <see cref="HandlerScript"/> says.</summary>
internal sealed class ScenarioHandler : IMessageHandler, IDisposable
{
    private HandlerScript? _script;
    private HandlerContext? _context;
    private long _worker;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _script = (HandlerScript)context.InitArgs!;
        _context = context;
        _worker = _script.Group.Ledger.WorkerStarted(_script.Member, context.Partition, context.GenerationId);
        Specification.Monitor<SafetyMonitor>(new WorkerStarted(_script.Member, context.Partition, context.GenerationId, _worker));
        return ValueTask.CompletedTask;
    }

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        var script = _script!;
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

                    if (group.Cluster.IsRevoking(member))
                    {
                        group.Happenings.Saw(Race.CrashDuringRevocation);
                    }

                    throw new InvalidOperationException($"planned crash at {partition}@{message.Offset}");
                }
            }

            var last = messages[^1].Offset;
            group.Ledger.Handled(member, partition, _context.GenerationId, messages[0].Offset, last, acked: !script.HoldAcks);
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

    public void Dispose()
    {
        if (_script is { } script && _context is { } context)
        {
            Specification.Monitor<SafetyMonitor>(new WorkerEnded(script.Member, context.Partition, _worker));
        }
    }
}
