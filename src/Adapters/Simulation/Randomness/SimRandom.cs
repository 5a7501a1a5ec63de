namespace Elsa.Sim.Simulation;

/// <summary>The simulator's only source of randomness: xoshiro256** seeded through SplitMix64. Owned by the project (not
/// <see cref="System.Random"/>, whose algorithm may change between runtimes), so a seed means the same run everywhere.</summary>
internal sealed class SimRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>A generator for one seed.</summary>
    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>An independent stream for one entity of a run (a member, the producer, the fault plan). Separate streams
    /// keep a change in one entity's draws (say, a removed fault while shrinking) from shifting every other entity's.</summary>
    public static SimRandom Stream(ulong seed, ulong stream)
    {
        var x = seed ^ unchecked(stream * 0xD1B54A32D192ED03UL);
        return new SimRandom(SplitMix64(ref x));
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = unchecked(RotateLeft(_s1 * 5, 7) * 9);
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)NextBelow((ulong)maxExclusive);
    }

    /// <summary>A uniform integer in [<paramref name="min"/>, <paramref name="maxInclusive"/>].</summary>
    public long Between(long min, long maxInclusive)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInclusive, min);
        var span = unchecked((ulong)(maxInclusive - min) + 1);
        return span == 0 ? unchecked((long)NextUInt64()) : unchecked(min + (long)NextBelow(span));
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>True with probability <paramref name="p"/>.</summary>
    public bool Chance(double p) => NextDouble() < p;

    // Lemire's nearly-divisionless method: unbiased, one multiply in the common case.
    private ulong NextBelow(ulong bound)
    {
        var x = NextUInt64();
        var m = Math.BigMul(x, bound, out var low);
        if (low < bound)
        {
            var threshold = unchecked(0 - bound) % bound;
            while (low < threshold)
            {
                x = NextUInt64();
                m = Math.BigMul(x, bound, out low);
            }
        }

        return m;
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            var z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
