using Elsa.Sim.Core;

namespace Elsa.Sim.Systematic.Tests.Kit;

/// <summary>Applies a batch's messages in parallel, one <c>Task.Run</c> each. Racy: each task reads the table and writes
/// it back with its row added, so two tasks that read before either writes lose one row. Unless
/// <paramref name="atomic"/>: then each task adds its row in one critical section.</summary>
internal sealed class ParallelAppendHandler(AppliedTable table, bool atomic) : IMessageHandler
{
    public ValueTask InitAsync(HandlerContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public async ValueTask<HandlerResult> HandleMessagesAsync(IReadOnlyList<ConsumedMessage> messages, CancellationToken cancellationToken)
    {
        var appends = messages.Select(m => Task.Run(() => Append((m.Topic, m.Partition, m.Offset)), cancellationToken)).ToArray();
        await Task.WhenAll(appends);
        return HandlerResult.Ack;
    }

    private void Append((string Topic, int Partition, long Offset) row)
    {
        if (atomic)
        {
            table.Add(row);
        }
        else
        {
            table.Write(table.Read().Add(row));
        }
    }
}
