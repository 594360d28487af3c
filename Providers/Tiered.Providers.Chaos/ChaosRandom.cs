namespace Tiered.Chaos;

/// <summary>
/// A seeded <see cref="Random"/> that several threads may share (every draw takes a lock), with the few
/// distributions chaos needs. A seeded run draws the same numbers in the same order, so a fake clock and a
/// seed make fault injection repeatable.
/// </summary>
internal sealed class ChaosRandom(int? seed)
{
    private readonly Random _random = seed is { } s ? new Random(s) : new Random();
    private readonly Lock _gate = new();

    public double NextDouble()
    {
        lock (_gate) return _random.NextDouble();
    }

    public int Next(int minInclusive, int maxExclusive)
    {
        lock (_gate) return _random.Next(minInclusive, maxExclusive);
    }

    public void NextBytes(Span<byte> bytes)
    {
        lock (_gate) _random.NextBytes(bytes);
    }

    /// <summary>True with probability <paramref name="probability"/> (no draw when it is 0 or 1).</summary>
    public bool Chance(double probability) => probability >= 1 || (probability > 0 && NextDouble() < probability);

    /// <summary>An exponentially distributed interval: the gap between events of a Poisson process of this rate.</summary>
    public TimeSpan Exponential(double ratePerHour)
    {
        double u = 1.0 - NextDouble(); // (0, 1]
        double hours = -Math.Log(u) / ratePerHour;
        return hours >= MaxHours ? TimeSpan.FromHours(MaxHours) : TimeSpan.FromHours(hours);
    }

    /// <summary>Up to <paramref name="count"/> distinct items picked uniformly (a partial Fisher–Yates shuffle of a copy).</summary>
    public List<T> Pick<T>(IReadOnlyList<T> items, int count)
    {
        var pool = items.ToArray();
        int n = Math.Min(count, pool.Length);
        var picked = new List<T>(n);
        lock (_gate)
        {
            for (int k = 0; k < n; k++)
            {
                int j = _random.Next(k, pool.Length);
                (pool[k], pool[j]) = (pool[j], pool[k]);
                picked.Add(pool[k]);
            }
        }
        return picked;
    }

    /// <summary>A seed for a component derived from a parent seed and a name (stable across runs and platforms), or null.</summary>
    public static int? Derive(int? seed, string name)
    {
        if (seed is not { } s) return null;
        unchecked
        {
            uint hash = 2166136261u ^ (uint)s;
            foreach (char c in name) hash = (hash ^ c) * 16777619u;
            return (int)(hash & 0x7FFFFFFF);
        }
    }

    // ~10,000 years: far beyond any run, and safely inside TimeSpan.
    private const double MaxHours = 24 * 365.25 * 10_000;
}
