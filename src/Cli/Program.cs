using System.CommandLine;
using System.CommandLine.Invocation;
using Elsa.Sim.Cli.Commands;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;

namespace Elsa.Sim.Cli;

/// <summary>elsa-sim's entry point: wires the commands together and maps every outcome to an exit code.</summary>
internal static class Cli
{
    /// <summary>The process entry point.</summary>
    public static Task<int> Main(string[] args) => RunAsync(args, Console.Out, Console.Error, CancellationToken.None);

    /// <summary>Runs elsa-sim with <paramref name="args"/>, writing results to <paramref name="output"/> and usage
    /// problems to <paramref name="error"/>, and returns the exit code. ANSI colours and the live progress bar appear only
    /// when <paramref name="output"/> is this process's own standard output on a terminal.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Runs elsa-sim as <see cref="Run"/> does; cancelling <paramref name="cancellationToken"/> is Ctrl+C
    /// (<c>explore</c> summarizes the seeds that finished, <c>consume</c> and <c>broker</c> stop gracefully).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        // Synchronized: consume's logger writes from librdkafka's and the consumer's threads.
        var io = new Io(Terminal.For(output), TextWriter.Synchronized(error));
        var root = new RootCommand("Explore, replay and shrink simulated runs of Elsa.Sim's consumer group manager; check small groups exhaustively; run a demo group or an embedded broker on librdkafka's Kafka mock cluster, or consume from a real cluster. " + ExitCodes.Help)
        {
            ExploreCommand.Create(io),
            ReplayCommand.Create(io),
            ShrinkCommand.Create(io),
            MergeCommand.Create(io),
            CheckCommand.Create(io),
            DemoCommand.Create(io),
            ConsumeCommand.Create(io),
            BrokerCommand.Create(io),
        };

        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            var command = parse.CommandResult.Command;
            return Usage.Fail(error, command == root ? "" : command.Name, ParseProblems.Of(parse));
        }

        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                // consume and broker stop gracefully on Ctrl+C (final commit, leave the group), and explore prints what it
                // ran: give them time before the process ends.
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await error.WriteLineAsync($"elsa-sim: internal error (a bug in elsa-sim or the simulator, not in your settings): {e}");
            return ExitCodes.InternalError;
        }
    }
}
