namespace Elsa.Sim.Core;

/// <summary>What a handler returns for a batch, mirroring Elsa's <c>handle_messages</c> results.</summary>
public readonly record struct HandlerResult
{
    private HandlerResult(HandlerResultKind kind, long offset)
    {
        Kind = kind;
        Offset = offset;
    }

    /// <summary><c>{:ack, state}</c>: every message of the batch was handled; ack the last one.</summary>
    public static HandlerResult Ack { get; } = new(HandlerResultKind.Ack, 0);

    /// <summary><c>{:no_ack, state}</c>: acknowledge nothing now; the handler (or code it handed the messages to) acks
    /// later through the host's <c>Ack</c>. Until it does, the messages count against the worker's prefetch window, so
    /// fetching pauses once more than <c>prefetch_count</c> messages and more than <c>prefetch_bytes</c> bytes are
    /// unacknowledged (brod's rule, which Elsa inherits; the host weighs a message as its bytes plus what holding it
    /// costs).</summary>
    public static HandlerResult NoAck { get; } = new(HandlerResultKind.NoAck, 0);

    /// <summary><c>{:continue, state}</c>: keep fetching without acknowledging this batch; a later batch's ack covers it.
    /// Unlike <see cref="NoAck"/>, it does not hold the prefetch window.</summary>
    public static HandlerResult Continue { get; } = new(HandlerResultKind.Continue, 0);

    /// <summary>Which result this is.</summary>
    public HandlerResultKind Kind { get; }

    /// <summary>For <see cref="HandlerResultKind.AckAt"/>: the last offset handled (Elsa's convention).</summary>
    public long Offset { get; }

    /// <summary><c>{:ack, offset, state}</c>: messages up to and including <paramref name="offset"/> were handled.</summary>
    public static HandlerResult AckAt(long offset) => new(HandlerResultKind.AckAt, offset);

    /// <summary>The offset this result acknowledges for a batch whose last message is <paramref name="lastOffsetOfBatch"/>
    /// (Elsa's convention: the last offset handled), or null when it acknowledges nothing now (<see cref="NoAck"/>,
    /// <see cref="Continue"/>). Every host maps results through this, so they all ack alike.</summary>
    public long? AckedOffset(long lastOffsetOfBatch) => Kind switch
    {
        HandlerResultKind.Ack => lastOffsetOfBatch,
        HandlerResultKind.AckAt => Offset,
        HandlerResultKind.NoAck or HandlerResultKind.Continue => null,
        _ => throw new InvalidOperationException($"unknown handler result {this}"),
    };

    /// <inheritdoc />
    public override string ToString() => Kind == HandlerResultKind.AckAt ? $"ack({Offset})" : Kind.ToString();
}

/// <summary>The cases of <see cref="HandlerResult"/>.</summary>
public enum HandlerResultKind
{
    /// <summary>Ack the whole batch.</summary>
    Ack,

    /// <summary>Ack up to an offset.</summary>
    AckAt,

    /// <summary>Ack nothing now; ack later.</summary>
    NoAck,

    /// <summary>Ack nothing; keep fetching.</summary>
    Continue,
}
