using System.CommandLine;
using Elsa.Sim.Cli.Options;
using Elsa.Sim.Cli.Output;
using Elsa.Sim.Core;
using Elsa.Sim.Simulation;
using Spectre.Console;

namespace Elsa.Sim.Cli.Commands;

/// <summary><c>elsa-sim check</c>: exhaustive checking of a small group. Visits every world the group manager and a
/// bounded environment can reach (breadth first, each world once), and prints either PASS or the shortest schedule that
/// breaks a property, as a numbered story.</summary>
internal static class CheckCommand
{
    private static readonly CheckBounds Defaults = new();

    public static Command Create(Io io)
    {
        var members = WholeNumberOption.Create("--members", "Members in the group (1-4).", Defaults.Members);
        var partitions = WholeNumberOption.Create("--partitions", "Partitions of the one topic (1-4).", Defaults.Partitions);
        var messages = WholeNumberOption.Create("--messages", "Messages in each partition (1-63).", Defaults.Messages);
        var maxFaults = WholeNumberOption.Create("--max-faults", "Faults at most on any path (a count; explore's --faults is a list of kinds): rebalances, expulsions, worker crashes, bogus acks, failed commits, shutdowns, retention.", Defaults.Faults);
        var maxDepth = WholeNumberOption.Create("--max-depth", "Actions at most on any path; deeper worlds are not explored.", Defaults.MaxDepth);
        var maxStates = WholeNumberOption.Create("--max-states", "Worlds at most to remember (about 1.1 KB each at millions of states: the default is about 2.2 GB); the check stops there.", Defaults.MaxStates);
        var timeLimit = WholeNumberOption.Optional<int>("--time-limit-s", "Stop after this many seconds of wall time and report what was visited (the check is then incomplete).");
        var beginOffset = new Option<string>("--begin-offset")
        {
            Description = "The members' begin_offset: earliest, latest (messages are then produced during the run) or 0.",
            DefaultValueFactory = _ => Defaults.BeginOffset.ToString(),
            HelpName = "earliest|latest|0",
        };
        var requireComplete = new Option<bool>("--require-complete")
        {
            Description = "Exit 3, not 0, when no violation was found but --max-depth, --max-states or --time-limit-s cut the check short.",
        };
        var resetPolicy = new Option<string>("--reset-policy")
        {
            Description = "The members' offset_reset_policy, for readers retention left out of range: earliest or latest (messages are then produced during the run).",
            DefaultValueFactory = _ => "earliest",
            HelpName = "earliest|latest",
        };
        var command = new Command(
            "check",
            "Check a small group exhaustively: every interleaving of the events the group manager can see in a bounded world " +
            "(members, partitions, messages, at most K faults), each world visited once, the core's invariants and the world's " +
            "safety rules after every step, nothing lost once the world is quiet. Exit codes: 0 no violation within the bounds; " +
            "1 a violation, printed with its shortest path; 2 bad usage; 70 internal error in elsa-sim; 130 interrupted by " +
            "Ctrl+C, after printing what was visited. A check cut short by --max-depth, --max-states or --time-limit-s passes when it " +
            "found nothing, and says it is incomplete; with --require-complete it exits 7 instead.")
        {
            members, partitions, messages, maxFaults, maxDepth, maxStates, timeLimit, beginOffset, resetPolicy, requireComplete,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            var problems = new List<string>();
            if (!StartPosition.TryParse(parse.GetValue(beginOffset), out var begin))
            {
                problems.Add($"--begin-offset must be earliest, latest or 0 (was '{parse.GetValue(beginOffset)}')");
            }

            if (!ResetPolicyText.TryParse(parse.GetValue(resetPolicy), out var policy))
            {
                problems.Add($"--reset-policy must be earliest or latest (was '{parse.GetValue(resetPolicy)}')");
            }

            var bounds = new CheckBounds
            {
                Members = parse.GetValue(members),
                Partitions = parse.GetValue(partitions),
                Messages = parse.GetValue(messages),
                Faults = parse.GetValue(maxFaults),
                MaxDepth = parse.GetValue(maxDepth),
                MaxStates = parse.GetValue(maxStates),
                BeginOffset = begin,
                ResetPolicy = policy,
            };
            problems.AddRange(bounds.Validate().Select(problem => $"--{problem}"));
            var limit = parse.GetValue(timeLimit);
            if (limit is < 1)
            {
                problems.Add($"--time-limit-s must be at least 1 (was {limit})");
            }

            // A thread of its own, so Ctrl+C's handler finds the command's task already under way.
            return problems.Count > 0
                ? Task.FromResult(Usage.Fail(io.Error, command.Name, problems))
                : Task.Factory.StartNew(
                    () => Run(io.Console, new GroupMachine(bounds.Config()), bounds, limit is { } seconds ? TimeSpan.FromSeconds(seconds) : null, cancellationToken,
                        parse.GetValue(requireComplete)),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        });
        return command;
    }

    /// <summary>Checks <paramref name="machine"/> (the real one; tests pass a planted one) within <paramref name="bounds"/>,
    /// prints the bounds, the figures and PASS or the violation's shortest path, and returns the exit code. With
    /// <paramref name="requireComplete"/>, a check cut short that found nothing is <see cref="ExitCodes.CheckIncomplete"/>.</summary>
    internal static int Run(IAnsiConsole console, IGroupMachine machine, CheckBounds bounds, TimeSpan? timeLimit, CancellationToken cancellationToken, bool requireComplete = false)
    {
        console.WriteLine($"CHECK {bounds} time_limit_s={(timeLimit is { } t ? t.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")} version={TraceHeader.LibraryVersion}");
        var result = ModelChecker.Check(machine, bounds, timeLimit, cancellationToken);
        var table = new Table().Title("check summary").AddColumn("measure").AddColumn(new TableColumn("value").RightAligned());
        SummaryTable.Row(table, "states visited", Format.Count(result.States));
        SummaryTable.Row(table, "transitions", Format.Count(result.Transitions));
        SummaryTable.Row(table, "max depth reached", Format.Count(result.MaxDepth));
        SummaryTable.Row(table, "complete", result.Cutoff switch
        {
            CheckCutoff.None => "yes",
            CheckCutoff.Depth => $"no: worlds at depth {bounds.MaxDepth} had more to do",
            CheckCutoff.TimeLimit => "no: the time limit passed",
            CheckCutoff.StateLimit => $"no: {Format.Count(bounds.MaxStates)} states remembered, the most allowed",
            _ => "no: interrupted",
        });
        SummaryTable.Row(table, "wall time", Format.Wall(result.Wall));
        SummaryTable.Row(table, "states per second", Format.Rate(result.States, result.Wall));
        console.Write(table);
        if (result.Violation is { } violation)
        {
            var (story, _) = ModelChecker.Replay(machine, bounds, result.Path);
            console.WriteLine($"FAIL: {violation.Kind}: {violation.Detail}");
            console.WriteLine($"shortest path ({Format.Count(story.Count, "step")}):");
            for (var i = 0; i < story.Count; i++)
            {
                console.WriteLine($"{i + 1,4}. {story[i]}");
            }

            return ExitCodes.Violation;
        }

        switch (result.Cutoff)
        {
            case CheckCutoff.Cancelled:
                console.WriteLine($"INTERRUPTED: no violation in the {Format.Count(result.States, "state")} visited before Ctrl+C");
                return ExitCodes.Interrupted;
            case not CheckCutoff.None when requireComplete:
                console.WriteLine(result.Cutoff switch
                {
                    CheckCutoff.Depth => $"INCOMPLETE: no violation in {Format.Count(result.States, "state")}, but worlds at depth {bounds.MaxDepth} (--max-depth) had more to do, and --require-complete asks for every state",
                    CheckCutoff.TimeLimit => $"INCOMPLETE: no violation in the {Format.Count(result.States, "state")} visited before the time limit (--time-limit-s), and --require-complete asks for every state",
                    _ => $"INCOMPLETE: no violation in the {Format.Count(result.States, "state")} visited before the state limit (--max-states {Format.Count(bounds.MaxStates)}), and --require-complete asks for every state",
                });
                return ExitCodes.CheckIncomplete;
            default:
                console.WriteLine(result.Cutoff switch
                {
                    CheckCutoff.Depth => $"PASS: no violation in {Format.Count(result.States, "state")} up to depth {bounds.MaxDepth}",
                    CheckCutoff.TimeLimit => $"PASS: no violation in the {Format.Count(result.States, "state")} visited before the time limit (incomplete: depth {result.MaxDepth} reached)",
                    CheckCutoff.StateLimit => $"PASS: no violation in the {Format.Count(result.States, "state")} visited before the state limit (incomplete: depth {result.MaxDepth} reached)",
                    _ => $"PASS: no violation in every one of the {Format.Count(result.States, "state")} within the bounds",
                });
                return ExitCodes.Passed;
        }
    }
}
