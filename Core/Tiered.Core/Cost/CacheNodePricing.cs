namespace Tiered.Cost;

/// <summary>An always-on cache node priced by the hour (the ElastiCache side of the comparison).</summary>
/// <param name="NodeType">The node type, e.g. <c>cache.r5.24xlarge</c>.</param>
/// <param name="PricePerHour">On-demand dollars per node-hour.</param>
/// <param name="MemoryBytes">Cache memory one node provides.</param>
public sealed record CacheNodePricing(string NodeType, decimal PricePerHour, long MemoryBytes)
{
    /// <summary>
    /// ElastiCache on-demand <c>cache.r5.24xlarge</c> at $10.368/hour with 600 GB (counted as 600 × 1024³ bytes) — the
    /// paper's comparison point (DESIGN §1 and §8: $518.4 over 50 h).
    /// </summary>
    public static CacheNodePricing ElastiCacheR5_24XLarge { get; } = new("cache.r5.24xlarge", 10.368m, 600L * 1024 * 1024 * 1024);

    /// <summary>Nodes needed to hold <paramref name="cacheBytes"/>: the ceiling of bytes over node memory, at least 1.</summary>
    public int NodesFor(long cacheBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheBytes);
        return (int)Math.Max(1, (cacheBytes + MemoryBytes - 1) / MemoryBytes);
    }

    /// <summary>Dollars for <paramref name="nodes"/> nodes running for <paramref name="elapsed"/> (billed pro rata, not by whole hours).</summary>
    public decimal CostFor(TimeSpan elapsed, int nodes) => nodes * PricePerHour * CostMath.Hours(elapsed);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad field; returns this pricing otherwise.</summary>
    public CacheNodePricing Validate()
    {
        if (string.IsNullOrWhiteSpace(NodeType)) throw new ArgumentException("the cache node pricing needs a node type", nameof(NodeType));
        if (PricePerHour < 0) throw new ArgumentException($"PricePerHour must not be negative, not {PricePerHour}", nameof(PricePerHour));
        if (MemoryBytes < 1) throw new ArgumentException($"MemoryBytes must be at least 1, not {MemoryBytes}", nameof(MemoryBytes));
        return this;
    }
}
