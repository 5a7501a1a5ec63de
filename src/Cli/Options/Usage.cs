namespace Elsa.Sim.Cli.Options;

/// <summary>Reports a bad command line: every problem at once, on standard error, then exit code 2.</summary>
internal static class Usage
{
    /// <summary>Writes <paramref name="problems"/> for <paramref name="command"/> ("explore", or "" for the root) and
    /// returns <see cref="ExitCodes.Usage"/>.</summary>
    public static int Fail(TextWriter error, string command, IReadOnlyCollection<string> problems)
    {
        var name = command.Length == 0 ? "elsa-sim" : $"elsa-sim {command}";
        error.WriteLine(problems.Count == 1 ? $"{name}: 1 problem:" : $"{name}: {problems.Count} problems:");
        foreach (var problem in problems)
        {
            error.WriteLine($"  - {problem}");
        }

        error.WriteLine($"Run '{name} --help' for usage.");
        return ExitCodes.Usage;
    }
}
