using Elsa.Sim.Simulation;

namespace Elsa.Sim.Cli.Traces;

/// <summary>A trace file given on the command line, with the run its header describes.</summary>
/// <param name="Path">The file.</param>
/// <param name="Header">Its first line: seed, options, fault plan, library version.</param>
/// <param name="Options">The options to run it with.</param>
internal sealed record TraceInput(string Path, TraceHeader Header, SimulationOptions Options)
{
    /// <summary>Reads <paramref name="path"/>'s header, or returns null after adding why it can't be run again to
    /// <paramref name="problems"/>.</summary>
    public static TraceInput? Read(string path, ICollection<string> problems)
    {
        if (!File.Exists(path))
        {
            problems.Add($"trace file '{path}' does not exist");
            return null;
        }

        TraceHeader header;
        try
        {
            header = TraceHeader.Read(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"cannot read trace file '{path}': {e.Message}");
            return null;
        }

        var options = header.Options.ToOptions();
        if (header.Machine != options.MachineName)
        {
            problems.Add($"trace file '{path}' was recorded with the machine '{header.Machine}'; elsa-sim runs only the real one, '{options.MachineName}'");
            return null;
        }

        if (header.Handler is { } handler)
        {
            problems.Add($"trace file '{path}' was recorded with a user's handler ('{handler}', the handler test kit's), which elsa-sim does not have; it runs only the simulator's handler model");
            return null;
        }

        var invalid = options.Validate();
        foreach (var problem in invalid)
        {
            problems.Add($"trace file '{path}' has invalid options: {problem}");
        }

        return invalid.Count == 0 ? new TraceInput(path, header, options) : null;
    }

    /// <summary>A warning when another library version wrote the trace (a differing replay may be a changed simulator,
    /// not a broken one), or null.</summary>
    public string? VersionWarning => Header.Version == TraceHeader.LibraryVersion
        ? null
        : $"note: the trace was written by Elsa.Sim {Header.Version}; this is {TraceHeader.LibraryVersion}";
}
