using Elsa.Sim.Core;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Records each batch and then throws, every time: its partition's worker crashes until its restart budget is
/// spent.</summary>
internal sealed class ThrowingHandler : RecordingHandler
{
    protected override HandlerResult Result => throw new InvalidOperationException("this handler always throws");
}
