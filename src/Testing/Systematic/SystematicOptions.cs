namespace Elsa.Sim.Testing;

/// <summary>The kit's systematic mode (<see cref="HandlerTestOptions.Systematic"/>): instead of one run per seed on the
/// simulator's one thread, Coyote's <c>TestingEngine</c> runs one seed's world many times, the hosts' and your handler's
/// tasks on the pool under Coyote's controlled scheduler, a different interleaving each iteration. Your handler may then
/// use <c>Task.Run</c>, its own locks and tasks, and parallel awaits. It needs the test assembly and the Elsa.Sim
/// assemblies rewritten by <c>coyote rewrite</c> after build: set <c>&lt;ElsaSimSystematic&gt;true&lt;/ElsaSimSystematic&gt;</c>
/// in the test project (docs/handler-testing.md, systematic mode).</summary>
public sealed record SystematicOptions
{
    /// <summary>Interleavings to explore (Coyote iterations); exploring stops at the first failing one. Default 100.</summary>
    public uint Iterations { get; init; } = 100;

    /// <summary>The seed of Coyote's scheduling choices (not the world's: that is <see cref="HandlerTestOptions.FirstSeed"/>).
    /// Default 1.</summary>
    public uint Seed { get; init; } = 1;

    /// <summary>The scheduling steps one iteration may take; an iteration that reaches it fails (a bound, not a
    /// silent cut). Default 200,000.</summary>
    public uint MaxSteps { get; init; } = 200_000;

    /// <summary>Where a failure's reproducible Coyote trace is saved. Default <c>coyote-traces</c> beside the test
    /// assembly.</summary>
    public string TraceDirectory { get; init; } = Path.Combine(AppContext.BaseDirectory, "coyote-traces");

    /// <summary>The path of a saved Coyote trace (<see cref="HandlerCheckResult.TracePath"/>) to replay once instead of
    /// exploring; the other options must be those of the run that saved it. Default null: explore.</summary>
    public string? ReplayTrace { get; init; }

    internal IEnumerable<string> Problems()
    {
        if (Iterations < 1)
        {
            yield return "systematic iterations must be at least 1";
        }

        if (MaxSteps < 1)
        {
            yield return "systematic max steps must be at least 1";
        }

        if (string.IsNullOrEmpty(TraceDirectory))
        {
            yield return "systematic trace directory must not be empty";
        }

        if (ReplayTrace is { } trace && !File.Exists(trace))
        {
            yield return $"systematic replay trace {trace} does not exist";
        }
    }
}
