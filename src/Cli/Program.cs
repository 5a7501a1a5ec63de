using System.CommandLine;
using System.CommandLine.Invocation;
using Elsa.Sim.Cli.Commands;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;

namespace Elsa.Sim.Cli;

/// <summary>elsa-sim's entry point: wires the commands together and maps every outcome to an exit code.</summary>
public static class Cli
{
    /// <summary>The process entry point.</summary>
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs elsa-sim with <paramref name="args"/>, writing results to <paramref name="output"/> and usage
    /// problems to <paramref name="error"/>, and returns the exit code. ANSI colours and the live progress bar appear only
    /// when <paramref name="output"/> is this process's own standard output on a terminal.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var io = new Io(Terminal.For(output), error);
        var root = new RootCommand("Explore, replay and shrink simulated runs of Elsa.Sim's consumer group manager; run a demo group on an embedded Kafka mock cluster, or consume from a real cluster. " + ExitCodes.Help)
        {
            ExploreCommand.Create(io),
            ReplayCommand.Create(io),
            ShrinkCommand.Create(io),
            DemoCommand.Create(io),
            ConsumeCommand.Create(io),
        };

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            var command = parse.CommandResult.Command;
            return Usage.Fail(error, command == root ? "" : command.Name, [.. parse.Errors.Select(e => e.Message)]);
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // consume stops gracefully on Ctrl+C (final commit, leave the group): give it time before the process ends.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"elsa-sim: internal error (a bug in elsa-sim or the simulator, not in your settings): {e}");
            return ExitCodes.InternalError;
        }
    }
}
