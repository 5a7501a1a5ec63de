using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Records each message and returns <c>no_ack</c>: the test acks later, through the consumer, as code that hands
/// messages on would.</summary>
internal sealed class HoldingHandler : RecordingHandler
{
    protected override HandlerResult Result => HandlerResult.NoAck;
}
