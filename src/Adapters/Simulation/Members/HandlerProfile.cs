namespace Elsa.Sim.Simulation;

/// <summary>How a member's simulated message handler behaves: how long a batch takes and how it acks, as Elsa handlers
/// do (<c>ack</c>, <c>ack</c> at an offset, <c>no_ack</c> then a later ack, <c>continue</c> for a few batches).</summary>
/// <param name="Acking">How the handler acks.</param>
/// <param name="MinLatencyMs">The shortest time a batch takes.</param>
/// <param name="MaxLatencyMs">The longest time a batch takes.</param>
internal sealed record HandlerProfile(AckStyle Acking, long MinLatencyMs, long MaxLatencyMs)
{
    public static HandlerProfile Draw(SimRandom rng)
    {
        var style = (AckStyle)rng.Next(Enum.GetValues<AckStyle>().Length);
        return rng.Chance(0.7)
            ? new HandlerProfile(style, 1, rng.Between(2, 30))
            : new HandlerProfile(style, rng.Between(20, 100), rng.Between(100, 500));
    }
}

/// <summary>How a simulated handler acknowledges what it handled.</summary>
internal enum AckStyle
{
    /// <summary>Returns <c>ack</c> for every batch.</summary>
    EveryBatch,

    /// <summary>Sometimes returns <c>ack</c> at an offset inside the batch; later batches ack the rest.</summary>
    Partial,

    /// <summary>Returns <c>no_ack</c> and acks a little later, in order, as code handing messages on would.</summary>
    Later,

    /// <summary>Returns <c>continue</c> for two batches in three and acks the third (and any batch that reaches the end).</summary>
    EveryThirdBatch,
}
