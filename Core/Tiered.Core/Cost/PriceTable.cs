namespace Tiered.Cost;

/// <summary>The prices a cost report compares: the function platform the tier runs on and the cache node it replaces.</summary>
/// <param name="Functions">How the function platform bills.</param>
/// <param name="CacheNode">The always-on cache node of the comparison.</param>
public sealed record PriceTable(FunctionPricing Functions, CacheNodePricing CacheNode)
{
    /// <summary>AWS Lambda against ElastiCache <c>cache.r5.24xlarge</c>, the paper's comparison (DESIGN §8).</summary>
    public static PriceTable Aws { get; } = new(FunctionPricing.AwsLambda, CacheNodePricing.ElastiCacheR5_24XLarge);

    /// <summary>Validates both halves; returns this table.</summary>
    public PriceTable Validate()
    {
        ArgumentNullException.ThrowIfNull(Functions);
        ArgumentNullException.ThrowIfNull(CacheNode);
        Functions.Validate();
        CacheNode.Validate();
        return this;
    }
}
