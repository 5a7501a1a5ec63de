using System.CommandLine;
using System.CommandLine.Parsing;

namespace Elsa.Sim.Cli.Options;

/// <summary>Says what is wrong with a command line that did not parse, in plain words: which command or option, and the
/// form it expects. System.CommandLine's own messages name .NET types, and for an unknown command also complain that no
/// command was given.</summary>
internal static class ParseProblems
{
    /// <summary>Every problem with <paramref name="parse"/>, one sentence each.</summary>
    public static IReadOnlyList<string> Of(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var problems = new List<string>();
        // Errors on the command itself are either unmatched tokens or a missing subcommand: both are said below, better.
        foreach (var error in parse.Errors.Where(e => e.SymbolResult is not CommandResult))
        {
            problems.Add(error.SymbolResult switch
            {
                OptionResult { Tokens.Count: 0 } option => $"{option.Option.Name} needs a value{Form(option.Option)}: {option.Option.Description}",
                ArgumentResult { Tokens.Count: 0 } argument => $"{Name(command)} needs {argument.Argument.Name}: {argument.Argument.Description}",
                _ => error.Message,
            });
        }

        var unmatched = parse.UnmatchedTokens;
        if (command.Subcommands.Count > 0)
        {
            var commands = $"the commands are {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
            problems.AddRange(unmatched.Count == 0
                ? [$"no command given: {commands}"]
                : unmatched.Select(token => token.StartsWith('-')
                    ? $"unknown option '{token}': name a command first ({commands})"
                    : $"unknown command '{token}': {commands}"));
        }
        else
        {
            var options = string.Join(", ", command.Options.Where(o => !o.Hidden).Select(o => o.Name));
            problems.AddRange(unmatched.Select(token => token.StartsWith('-')
                ? $"unknown option '{token}' for {Name(command)} (its options are {options})"
                : $"unexpected argument '{token}' for {Name(command)}"));
        }

        return problems;
    }

    private static string Form(Option option) => option.HelpName is { } form ? $" ({form})" : "";

    private static string Name(Command command) => command is RootCommand ? "elsa-sim" : $"elsa-sim {command.Name}";
}
