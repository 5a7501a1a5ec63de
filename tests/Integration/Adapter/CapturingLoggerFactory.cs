using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Every logger of one consumer into one <see cref="CapturingLogger"/>, for tests that look for a line it logged.</summary>
internal sealed class CapturingLoggerFactory : ILoggerFactory
{
    public CapturingLogger Logger { get; } = new();

    public ILogger CreateLogger(string categoryName) => Logger;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }
}
