namespace Elsa.Sim.Systematic.Tests.Monitors;

/// <summary>The offsets of one partition that some handler returned from, and the first offset not yet handled (every
/// offset below it was). Not thread-safe: each owner guards its own.</summary>
internal sealed class HandledOffsets
{
    private readonly HashSet<long> _above = [];

    /// <summary>Every offset below this one was handled at least once.</summary>
    public long Prefix { get; private set; }

    public void Add(long first, long last)
    {
        for (var offset = first; offset <= last; offset++)
        {
            if (offset >= Prefix)
            {
                _above.Add(offset);
            }
        }

        while (_above.Remove(Prefix))
        {
            Prefix++;
        }
    }
}
