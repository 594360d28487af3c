using System.Globalization;
using System.Text;
using Tiered.Functions;

namespace Tiered.Cost;

/// <summary>
/// What a tier cost over an elapsed (possibly simulated) time, against always-on cache nodes holding the same bytes,
/// with every input kept beside the results.
/// </summary>
/// <param name="Prices">The prices used.</param>
/// <param name="Usage">Billed invocations by kind (input).</param>
/// <param name="Elapsed">The time the cost covers (input).</param>
/// <param name="CacheBytes">The bytes the cache nodes must hold, e.g. the tier's peak footprint (input).</param>
/// <param name="GbSeconds">Billed GB-seconds of all kinds.</param>
/// <param name="Invocations">Invocations of all kinds.</param>
/// <param name="ComputeCost">Dollars for the GB-seconds.</param>
/// <param name="InvocationCost">Dollars for the invocations.</param>
/// <param name="TotalCost">Compute plus invocation dollars.</param>
/// <param name="CostPerHour">Total dollars per hour of <paramref name="Elapsed"/>.</param>
/// <param name="CacheNodes">Cache nodes needed for <paramref name="CacheBytes"/> (at least 1).</param>
/// <param name="CacheNodeCost">Dollars for those nodes over <paramref name="Elapsed"/>.</param>
/// <param name="CacheNodeCostPerHour">Their dollars per hour.</param>
/// <param name="CostRatio">Cache-node cost / tier cost (how many times cheaper the tier is); null when the tier cost nothing.</param>
public sealed record CostReport(
    PriceTable Prices,
    CostUsage Usage,
    TimeSpan Elapsed,
    long CacheBytes,
    double GbSeconds,
    long Invocations,
    decimal ComputeCost,
    decimal InvocationCost,
    decimal TotalCost,
    decimal CostPerHour,
    int CacheNodes,
    decimal CacheNodeCost,
    decimal CacheNodeCostPerHour,
    double? CostRatio)
{
    /// <summary>Prices <paramref name="usage"/> over <paramref name="elapsed"/> and compares it with the cache nodes for <paramref name="cacheBytes"/>.</summary>
    /// <exception cref="ArgumentException">The elapsed time is not positive, the byte count is negative or a price is invalid.</exception>
    public static CostReport Compute(CostUsage usage, TimeSpan elapsed, long cacheBytes, PriceTable prices)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(prices);
        prices.Validate();
        if (elapsed <= TimeSpan.Zero) throw new ArgumentException($"the elapsed time must be positive to price it per hour, not {elapsed}", nameof(elapsed));
        if (cacheBytes < 0) throw new ArgumentException($"the cache bytes must not be negative, not {cacheBytes}", nameof(cacheBytes));

        InvocationUsage total = usage.Total;
        decimal hours = CostMath.Hours(elapsed);
        decimal compute = (decimal)total.GbSeconds * prices.Functions.PricePerGbSecond;
        decimal invocations = total.Invocations * prices.Functions.PricePerMillionInvocations / 1_000_000m;
        decimal tier = compute + invocations;
        int nodes = prices.CacheNode.NodesFor(cacheBytes);
        decimal nodeCost = prices.CacheNode.CostFor(elapsed, nodes);
        return new CostReport(prices, usage, elapsed, cacheBytes, total.GbSeconds, total.Invocations,
            compute, invocations, tier, tier / hours, nodes, nodeCost, nodeCost / hours,
            tier == 0 ? null : (double)(nodeCost / tier));
    }

    /// <summary>
    /// What one kind of invocation (serve, warm-up, backup) cost: its GB-seconds and invocations priced alone. The kinds'
    /// dollars add up to <see cref="ComputeCost"/>, <see cref="InvocationCost"/> and <see cref="TotalCost"/> (to the rounding of
    /// GB-seconds to decimal).
    /// </summary>
    public KindCost CostOf(InvocationKind kind)
    {
        InvocationUsage u = Usage[kind];
        decimal compute = (decimal)u.GbSeconds * Prices.Functions.PricePerGbSecond;
        decimal invocations = u.Invocations * Prices.Functions.PricePerMillionInvocations / 1_000_000m;
        return new KindCost(kind, u, compute, invocations, compute + invocations);
    }

    /// <summary><see cref="CostOf"/> for every kind, in <see cref="InvocationKind"/> order.</summary>
    public IReadOnlyList<KindCost> ByKind => Enum.GetValues<InvocationKind>().Select(CostOf).ToArray();

    /// <summary>A plain-text report: the inputs (prices, elapsed time, bytes, use by kind), then the dollars and the ratio.</summary>
    public string ToText()
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        FunctionPricing f = Prices.Functions;
        CacheNodePricing n = Prices.CacheNode;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Prices:    {f.Provider}: ${f.PricePerGbSecond} per GB-s (billed per {f.BillingGranularity.TotalMilliseconds} ms), ${f.PricePerMillionInvocations} per million invocations");
        text.AppendLine(inv, $"           {n.NodeType}: ${n.PricePerHour}/hour for {n.MemoryBytes / (1024.0 * 1024 * 1024):0.##} GiB");
        text.AppendLine(inv, $"Elapsed:   {Elapsed} ({CostMath.Hours(Elapsed):0.####} h); cache bytes to hold: {CacheBytes:N0}");
        foreach (InvocationKind kind in Enum.GetValues<InvocationKind>())
        {
            InvocationUsage u = Usage[kind];
            text.AppendLine(inv, $"{kind + ":",-10} {u.Invocations:N0} invocations, billed {u.BilledDuration.TotalSeconds:N3} s, {u.GbSeconds:N3} GB-s, ${CostOf(kind).TotalCost:N6}");
        }
        text.AppendLine(inv, $"Tiered:    ${ComputeCost:N6} GB-s + ${InvocationCost:N6} invocations = ${TotalCost:N6} (${CostPerHour:N6}/hour)");
        text.AppendLine(inv, $"Cache:     {CacheNodes} × {n.NodeType} = ${CacheNodeCost:N6} (${CacheNodeCostPerHour:N6}/hour)");
        text.Append(CostRatio is double ratio ? string.Create(inv, $"Ratio:     {ratio:N1}× ({n.NodeType} / Tiered)") : "Ratio:     n/a (Tiered cost nothing)");
        return text.ToString();
    }
}

/// <summary>What one kind of invocation cost (see <see cref="CostReport.CostOf"/>).</summary>
/// <param name="Kind">Serve, warm-up or backup.</param>
/// <param name="Usage">Its billed use (input).</param>
/// <param name="ComputeCost">Dollars for its GB-seconds.</param>
/// <param name="InvocationCost">Dollars for its invocations.</param>
/// <param name="TotalCost">Both.</param>
public sealed record KindCost(InvocationKind Kind, InvocationUsage Usage, decimal ComputeCost, decimal InvocationCost, decimal TotalCost);
