using System.Globalization;
using System.Text;

namespace Elsa.Sim.Properties.Tests.Properties;

/// <summary>A script failed; the message holds the settings and every event up to and including the failing one.</summary>
public sealed class ScriptFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ScriptFailedException(ScriptSettings settings, IReadOnlyList<GroupEvent> events, Exception inner)
        : base(Describe(settings, events, inner), inner)
    {
        Events = events;
    }

    /// <summary>The events, the failing one last.</summary>
    public IReadOnlyList<GroupEvent> Events { get; }

    private static string Describe(ScriptSettings settings, IReadOnlyList<GroupEvent> events, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{inner.GetType().Name}: {inner.Message}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{settings}");
        text.AppendLine(CultureInfo.InvariantCulture, $"after {events.Count} events (the last one failed):");
        for (var i = 0; i < events.Count; i++)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {i + 1,3}. {events[i]}");
        }

        return text.ToString();
    }
}
