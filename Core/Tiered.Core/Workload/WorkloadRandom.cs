namespace Tiered.Workload;

/// <summary>
/// xoshiro256** seeded through SplitMix64: fast, and the same sequence on every runtime and platform
/// (unlike <see cref="Random"/>, whose algorithm is an implementation detail), so a seed names a trace forever.
/// </summary>
internal struct WorkloadRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public WorkloadRandom(ulong seed)
    {
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    /// <summary>A stream independent of the others drawn from the same seed (one per generation phase).</summary>
    public static WorkloadRandom ForPhase(int seed, ulong phase) => new(unchecked((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ phase * 0xD1B54A32D192ED03UL));

    public ulong NextUInt64()
    {
        ulong result = BitRotate(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt(int exclusiveMax) => (int)((NextUInt64() >> 32) * (ulong)exclusiveMax >> 32);

    /// <summary>Uniform in [0, <paramref name="exclusiveMax"/>) for a positive 64-bit bound.</summary>
    public long NextLong(long exclusiveMax) => (long)(NextDouble() * exclusiveMax) is var v && v < exclusiveMax ? v : exclusiveMax - 1;

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
