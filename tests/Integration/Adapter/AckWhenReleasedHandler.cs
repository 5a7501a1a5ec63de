using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Records each message and answers <c>no_ack</c> until the test releases acks (<see cref="HandledLog.ReleaseAcks"/>),
/// then <c>ack</c>: a full prefetch window pauses its partition until the test lets go.</summary>
internal sealed class AckWhenReleasedHandler : RecordingHandler
{
    protected override HandlerResult Result => Log.AcksReleased ? HandlerResult.Ack : HandlerResult.NoAck;
}
