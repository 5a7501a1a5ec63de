using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Elsa.Sim.Integration.Tests.Adapter;

/// <summary>Sends the consumer's warnings and errors to the test's output, so a failing run says what the host saw.</summary>
internal sealed class TestOutputLoggerFactory(ITestOutputHelper output, LogLevel minimum = LogLevel.Warning) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, minimum, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, LogLevel minimum, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            try
            {
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" {exception}")}");
            }
            catch (InvalidOperationException)
            {
                // The test already ended; the line has nowhere to go.
            }
        }
    }
}
