namespace Elsa.Sim.Hosting.Port;

/// <summary>A partition's log bounds: <paramref name="Low"/> is the oldest offset the broker still has, and
/// <paramref name="High"/> the offset the next produced message gets.</summary>
/// <param name="Low">The log start offset.</param>
/// <param name="High">The high watermark.</param>
public readonly record struct Watermarks(long Low, long High);
