using Spectre.Console;

namespace Elsa.Sim.Cli.Output;

/// <summary>Builds the Spectre console a run writes through. Colours, cursor movement and the live progress bar are for
/// a person at a terminal; anything else (CI logs, pipes, files, tests) gets plain text with no escape sequences.</summary>
internal static class Terminal
{
    // A log has no width: a line wrapped at 80 columns would split a seed's settings or a story's sentence.
    private const int PlainWidth = 4_096;

    /// <summary>A console over <paramref name="writer"/>: detected capabilities when it is this process's own,
    /// unredirected standard output and nobody asked for plain output (NO_COLOR, CI); plain otherwise.</summary>
    public static IAnsiConsole For(TextWriter writer)
    {
        var plain = !ReferenceEquals(writer, Console.Out)
            || Console.IsOutputRedirected
            || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("CI") is { Length: > 0 };
        if (!plain)
        {
            return AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });

        console.Profile.Width = PlainWidth;
        return console;
    }

    /// <summary>Whether a live, redrawn display (the progress bar) will render properly.</summary>
    public static bool IsLive(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi;
}
