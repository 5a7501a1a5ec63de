namespace Elsa.Sim.Core;

/// <summary>Arithmetic on virtual milliseconds that clamps instead of overflowing: a tick from outside may carry any time,
/// and the build checks overflow, so deadlines saturate at the ends of <see cref="long"/>.</summary>
internal static class Saturating
{
    public static long Add(long a, long b)
    {
        var sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? (a < 0 ? long.MinValue : long.MaxValue) : sum;
    }
}
