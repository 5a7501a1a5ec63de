using Elsa.Sim.Simulation;

namespace Elsa.Sim.Cli.Traces;

/// <summary>A trace file given on the command line, with the run its header describes.</summary>
/// <param name="Path">The file.</param>
/// <param name="Header">Its first line: seed, options, fault plan, library version.</param>
/// <param name="Options">The options to run it with.</param>
internal sealed record TraceInput(string Path, TraceHeader Header, SimulationOptions Options)
{
    /// <summary>Reads <paramref name="path"/>'s header, or returns null after adding why it can't be run again to
    /// <paramref name="problems"/>. <paramref name="whole"/> says whether the file is a whole trace (one a timeline can
    /// still draw when it cannot be run again), as opposed to missing, unreadable, truncated or corrupt.</summary>
    public static TraceInput? Read(string path, ICollection<string> problems, out bool whole)
    {
        whole = false;
        if (!File.Exists(path))
        {
            problems.Add($"trace file '{path}' does not exist");
            return null;
        }

        TraceHeader header;
        try
        {
            if (TraceIntegrity.Damage(path) is { } damage)
            {
                problems.Add(damage);
                return null;
            }

            header = TraceHeader.Read(path);
        }
        catch (InvalidDataException e) when (e.InnerException is System.Text.Json.JsonException)
        {
            // A JSON record of another shape: the serializer's words would describe its internals, not the file.
            problems.Add($"trace file '{path}': line 1 is not a trace header");
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add($"cannot read trace file '{path}': {e.Message}");
            return null;
        }

        whole = true;

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
