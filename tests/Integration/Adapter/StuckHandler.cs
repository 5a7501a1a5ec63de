using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Records its first batch and never answers: it waits until the consumer cancels it, as a handler stuck on a
/// dead dependency would.</summary>
internal sealed class StuckHandler : RecordingHandler
{
    protected override HandlerResult Result => HandlerResult.Ack;

    protected override async ValueTask<HandlerResult> AnswerAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return Result;
    }
}
