namespace Elsa.Sim.Core;

/// <summary>Where a worker starts reading: an explicit offset (Kafka's convention, the next message to read), or the
/// earliest or latest offset the broker has. Elsa's <c>begin_offset</c> takes the same three forms.</summary>
public readonly record struct StartPosition
{
    private StartPosition(StartPositionKind kind, long offset)
    {
        Kind = kind;
        Offset = offset;
    }

    /// <summary>Read from the oldest message the broker still has.</summary>
    public static StartPosition Earliest { get; } = new(StartPositionKind.Earliest, 0);

    /// <summary>Read only messages produced after the worker starts.</summary>
    public static StartPosition Latest { get; } = new(StartPositionKind.Latest, 0);

    /// <summary>Which form this position takes.</summary>
    public StartPositionKind Kind { get; }

    /// <summary>The explicit offset; meaningful only when <see cref="Kind"/> is <see cref="StartPositionKind.Offset"/>.</summary>
    public long Offset { get; }

    /// <summary>Read from an explicit offset (the next message to read).</summary>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="offset"/> is negative.</exception>
    public static StartPosition At(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return new StartPosition(StartPositionKind.Offset, offset);
    }

    /// <summary>Reads a position as <see cref="ToString"/> writes it: <c>earliest</c>, <c>latest</c> (any case), or an
    /// offset of 0 or more.</summary>
    /// <returns>False, with <paramref name="position"/> at its default, when <paramref name="text"/> is none of those.</returns>
    public static bool TryParse(string? text, out StartPosition position)
    {
        var trimmed = text?.Trim();
        if (string.Equals(trimmed, "earliest", StringComparison.OrdinalIgnoreCase))
        {
            position = Earliest;
            return true;
        }

        if (string.Equals(trimmed, "latest", StringComparison.OrdinalIgnoreCase))
        {
            position = Latest;
            return true;
        }

        if (long.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var offset))
        {
            position = At(offset);
            return true;
        }

        position = default;
        return false;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StartPositionKind.Offset => Offset.ToString(System.Globalization.CultureInfo.InvariantCulture),
        StartPositionKind.Earliest => "earliest",
        StartPositionKind.Latest => "latest",
        _ => throw new System.Diagnostics.UnreachableException(),
    };
}

/// <summary>The forms a <see cref="StartPosition"/> takes.</summary>
public enum StartPositionKind
{
    /// <summary>An explicit offset.</summary>
    Offset,

    /// <summary>The broker's log start.</summary>
    Earliest,

    /// <summary>The broker's high watermark.</summary>
    Latest,
}
