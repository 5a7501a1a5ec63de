using System.Collections;
using System.Collections.Immutable;

namespace Elsa.Sim.Core;

/// <summary>An immutable list that compares and hashes by its elements, backed by a balanced tree, for lists that change
/// one element at a time: taking the head or adding at the end costs O(log n), where a <see cref="ValueList{T}"/> copies
/// all n elements (which made an assignment of n partitions, one callback at a time, cost n²).</summary>
public readonly struct ValueQueue<T> : IReadOnlyList<T>, IEquatable<ValueQueue<T>>
{
    private readonly ImmutableList<T>? _items;

    /// <summary>Wraps the given items.</summary>
    public ValueQueue(ImmutableList<T> items) => _items = items;

    /// <summary>The empty queue.</summary>
    public static ValueQueue<T> Empty => new(ImmutableList<T>.Empty);

    /// <summary>The underlying immutable list.</summary>
    public ImmutableList<T> Items => _items ?? ImmutableList<T>.Empty;

    /// <inheritdoc />
    public int Count => Items.Count;

    /// <summary>True when the queue has no elements.</summary>
    public bool IsEmpty => Count == 0;

    /// <inheritdoc />
    public T this[int index] => Items[index];

    /// <inheritdoc />
    public ImmutableList<T>.Enumerator GetEnumerator() => Items.GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Items.GetEnumerator();

    /// <inheritdoc />
    public bool Equals(ValueQueue<T> other) =>
        ReferenceEquals(Items, other.Items) || (Count == other.Count && Items.SequenceEqual(other.Items, EqualityComparer<T>.Default));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is ValueQueue<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => SequenceValue.Hash(Items);

    /// <inheritdoc />
    public override string ToString() => SequenceValue.Show(Items);

    /// <summary>Compares two queues by their elements.</summary>
    public static bool operator ==(ValueQueue<T> left, ValueQueue<T> right) => left.Equals(right);

    /// <summary>Compares two queues by their elements.</summary>
    public static bool operator !=(ValueQueue<T> left, ValueQueue<T> right) => !left.Equals(right);

    /// <summary>Wraps an immutable list.</summary>
    public static implicit operator ValueQueue<T>(ImmutableList<T> items) => new(items);
}
