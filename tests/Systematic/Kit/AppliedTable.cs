using System.Collections.Immutable;

namespace Elsa.Sim.Systematic.Tests.Kit;

/// <summary>What the kit's test handlers write to: the messages applied, as a table that is safe for one call at a time
/// (each read and each write takes its lock), like a thread-safe in-memory fake of a database.</summary>
internal sealed class AppliedTable
{
    // lock(object), not System.Threading.Lock, which Coyote 1.7.11 does not model (docs/systematic.md).
    private readonly object _gate = new();
    private ImmutableList<(string Topic, int Partition, long Offset)> _rows = [];

    public ImmutableList<(string Topic, int Partition, long Offset)> Read()
    {
        lock (_gate)
        {
            return _rows;
        }
    }

    public void Write(ImmutableList<(string Topic, int Partition, long Offset)> rows)
    {
        lock (_gate)
        {
            _rows = rows;
        }
    }

    /// <summary>Read, add, write in one critical section.</summary>
    public void Add((string Topic, int Partition, long Offset) row)
    {
        lock (_gate)
        {
            _rows = _rows.Add(row);
        }
    }
}
