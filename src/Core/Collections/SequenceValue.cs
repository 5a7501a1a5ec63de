namespace Elsa.Sim.Core;

/// <summary>The hash and text of a sequence by its elements, shared by the value collections.</summary>
internal static class SequenceValue
{
    public static int Hash<T>(IEnumerable<T> items)
    {
        var hash = new HashCode();
        foreach (var item in items)
        {
            hash.Add(item);
        }

        return hash.ToHashCode();
    }

    public static string Show<T>(IEnumerable<T> items) => $"[{string.Join(", ", items)}]";
}
