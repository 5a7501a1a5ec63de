using Microsoft.Extensions.Logging;

namespace Elsa.Sim.Cli.Output;

/// <summary>elsa-sim's console logger: one line per record on the error stream (<c>warn: ConfluentConsumerPort: …</c>),
/// written at once. Not the console provider of Microsoft.Extensions.Logging.Console, which queues to the process's own
/// standard error: elsa-sim writes to the error writer it was given, so that a test running it in process reads the
/// same lines a person sees.</summary>
internal sealed class ErrorStreamLoggerProvider(TextWriter error) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(error, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private sealed class Logger(TextWriter error, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        // The factory's minimum level decides; this logger writes whatever reaches it.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var cause = exception is null ? "" : $" ({exception.GetType().Name}: {exception.Message})";
            error.WriteLine($"{Label(logLevel)}: {category}: {formatter(state, exception)}{cause}");
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
