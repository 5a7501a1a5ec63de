using System.Collections;
using System.Collections.Immutable;

namespace Elsa.Sim.Core;

/// <summary>An immutable sorted map that compares and hashes by its entries. Sorted, so iteration order never depends on
/// hashing or insertion history: the machine's effects come out in the same order on every run.</summary>
public readonly struct ValueMap<TKey, TValue> : IReadOnlyDictionary<TKey, TValue>, IEquatable<ValueMap<TKey, TValue>>
    where TKey : notnull
{
    private readonly ImmutableSortedDictionary<TKey, TValue>? _map;

    private ValueMap(ImmutableSortedDictionary<TKey, TValue> map) => _map = map;

    /// <summary>The empty map.</summary>
    public static ValueMap<TKey, TValue> Empty => new(ImmutableSortedDictionary<TKey, TValue>.Empty);

    private ImmutableSortedDictionary<TKey, TValue> Map => _map ?? ImmutableSortedDictionary<TKey, TValue>.Empty;

    /// <inheritdoc />
    public int Count => Map.Count;

    /// <summary>True when the map has no entries.</summary>
    public bool IsEmpty => Map.IsEmpty;

    /// <inheritdoc />
    public TValue this[TKey key] => Map[key];

    /// <inheritdoc />
    public IEnumerable<TKey> Keys => Map.Keys;

    /// <inheritdoc />
    public IEnumerable<TValue> Values => Map.Values;

    /// <inheritdoc />
    public bool ContainsKey(TKey key) => Map.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value) =>
        Map.TryGetValue(key, out value);

    /// <summary>A copy with <paramref name="key"/> set to <paramref name="value"/>.</summary>
    public ValueMap<TKey, TValue> SetItem(TKey key, TValue value) => new(Map.SetItem(key, value));

    /// <summary>A copy without <paramref name="key"/>.</summary>
    public ValueMap<TKey, TValue> Remove(TKey key) => new(Map.Remove(key));

    /// <summary>A copy without any of <paramref name="keys"/>.</summary>
    public ValueMap<TKey, TValue> RemoveRange(IEnumerable<TKey> keys) => new(Map.RemoveRange(keys));

    /// <inheritdoc />
    public ImmutableSortedDictionary<TKey, TValue>.Enumerator GetEnumerator() => Map.GetEnumerator();

    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => Map.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Map.GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ValueMap<TKey, TValue> other)
    {
        if (ReferenceEquals(Map, other.Map))
        {
            return true;
        }

        if (Count != other.Count)
        {
            return false;
        }

        var values = EqualityComparer<TValue>.Default;
        using var mine = Map.GetEnumerator();
        using var theirs = other.Map.GetEnumerator();
        while (mine.MoveNext() && theirs.MoveNext())
        {
            if (Map.KeyComparer.Compare(mine.Current.Key, theirs.Current.Key) != 0 ||
                !values.Equals(mine.Current.Value, theirs.Current.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ValueMap<TKey, TValue> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var (key, value) in Map)
        {
            hash.Add(key);
            hash.Add(value);
        }

        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() => $"{{{string.Join(", ", Map.Select(kv => $"{kv.Key}: {kv.Value}"))}}}";

    /// <summary>Compares two maps by their entries.</summary>
    public static bool operator ==(ValueMap<TKey, TValue> left, ValueMap<TKey, TValue> right) => left.Equals(right);

    /// <summary>Compares two maps by their entries.</summary>
    public static bool operator !=(ValueMap<TKey, TValue> left, ValueMap<TKey, TValue> right) => !left.Equals(right);
}
