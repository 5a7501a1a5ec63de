using Elsa.Sim.Simulation;

namespace Elsa.Sim.Cli.Traces;

/// <summary>Where elsa-sim puts trace files, and running a seed while recording one.</summary>
internal static class TraceFiles
{
    /// <summary>Where a failing exploration's shrunk trace goes when no <c>--trace-dir</c> was given.</summary>
    public const string DefaultDirectory = "traces";

    /// <summary>A seed's full trace in <paramref name="directory"/>.</summary>
    public static string ForSeed(string directory, ulong seed) => Path.Combine(directory, $"seed-{seed}.jsonl");

    /// <summary>A seed's shrunk trace in <paramref name="directory"/>.</summary>
    public static string ShrunkForSeed(string directory, ulong seed) => Path.Combine(directory, $"seed-{seed}.shrunk.jsonl");

    /// <summary>The shrunk trace next to <paramref name="trace"/>: <c>seed-5.jsonl</c> shrinks to <c>seed-5.shrunk.jsonl</c>.</summary>
    public static string ShrunkNextTo(string trace) => Path.ChangeExtension(trace, ".shrunk.jsonl");

    /// <summary>Creates the folder trace <paramref name="path"/> goes in (or, with <paramref name="isDirectory"/>, the
    /// folder <paramref name="path"/> itself) before anything runs, adding why it can't to <paramref name="problems"/>.</summary>
    public static void Prepare(string path, bool isDirectory, ICollection<string> problems)
    {
        try
        {
            var directory = isDirectory ? path : Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add($"cannot write traces to '{path}': {e.Message}");
        }
    }

    /// <summary>Runs <paramref name="seed"/> with <paramref name="plan"/> (or the plan the seed draws), writing its trace to
    /// <paramref name="path"/> (its folder is created); the result carries the trace's hash.</summary>
    public static SimulationResult Record(SimulationOptions options, ulong seed, FaultPlan? plan, string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        using var sink = TraceSink.ToFile(path);
        return Simulator.Run(options, seed, plan, sink);
    }

    /// <summary>Runs <paramref name="seed"/> with <paramref name="plan"/>, hashing its trace without writing it.</summary>
    public static SimulationResult Hash(SimulationOptions options, ulong seed, FaultPlan? plan)
    {
        using var sink = TraceSink.HashOnly();
        return Simulator.Run(options, seed, plan, sink);
    }
}
