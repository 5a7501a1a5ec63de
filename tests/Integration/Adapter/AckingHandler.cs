using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Records each message and acks every batch.</summary>
internal sealed class AckingHandler : RecordingHandler
{
    protected override HandlerResult Result => HandlerResult.Ack;
}
