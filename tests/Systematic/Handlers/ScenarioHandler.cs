using Elsa.Sim.Core;
using Elsa.Sim.Systematic.Tests.Monitors;
using Microsoft.Coyote.Specifications;

namespace Elsa.Sim.Systematic.Tests.Handlers;

/// <summary>The message handler every scenario runs, one instance per worker as the host creates them. It owns its
/// partition from <see cref="InitAsync"/> until <see cref="Dispose"/> and tells the monitors so; it records each batch
/// it returns from, and behaves as its <see cref="HandlerScript"/> says.</summary>
internal sealed class ScenarioHandler : IMessageHandler, IDisposable
{
    private HandlerScript? _script;
    private HandlerContext? _context;
    private long _worker;

    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken)
    {
        _script = (HandlerScript)context.InitArgs!;
        _context = context;
        _worker = _script.Ledger.NextWorker();
        Specification.Monitor<SafetyMonitor>(new WorkerStarted(_script.Member, context.Partition, context.GenerationId, _worker));
        return ValueTask.CompletedTask;
    }

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        var script = _script!;
        var partition = _context!.Partition;
        for (var i = 0; i < script.YieldsPerBatch; i++)
        {
            await Task.Yield();
        }

        foreach (var message in messages)
        {
            if (script.CrashAt.Contains(message.Offset) && script.Ledger.CrashFirstTime(partition, message.Offset))
            {
                throw new InvalidOperationException($"planned crash at {partition}@{message.Offset}");
            }
        }

        var last = messages[^1].Offset;
        script.Ledger.Handled(partition, messages[0].Offset, last);
        if (!script.HoldAcks)
        {
            return HandlerResult.Ack;
        }

        script.Ledger.HoldAck(new HeldAck(script.Member, partition, _context.GenerationId, last));
        return HandlerResult.NoAck;
    }

    public void Dispose()
    {
        if (_script is { } script && _context is { } context)
        {
            Specification.Monitor<SafetyMonitor>(new WorkerEnded(script.Member, context.Partition, _worker));
        }
    }
}
