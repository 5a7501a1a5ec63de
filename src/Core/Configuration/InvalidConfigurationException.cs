namespace Elsa.Sim.Core;

/// <summary>A configuration has one or more problems; the message lists all of them.</summary>
public sealed class InvalidConfigurationException : ArgumentException
{
    /// <summary>Creates the exception from every problem found.</summary>
    public InvalidConfigurationException(IReadOnlyList<string> problems)
        : base(Describe(problems)) => Problems = problems;

    /// <summary>Each problem, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string Describe(IReadOnlyList<string> problems) =>
        $"Invalid configuration ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):{Environment.NewLine}" +
        string.Join(Environment.NewLine, problems.Select(p => $"  - {p}"));
}
