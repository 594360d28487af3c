using System.Globalization;
using System.Text;
using Tiered.Cost;

namespace Tiered.Cli.Replay;

/// <summary>The run priced by one platform's billing rules and prices (the same invocations, re-billed).</summary>
/// <param name="Name">The price's name (<c>aws</c>, <c>azure</c>, <c>gcp</c>, … or a price file's entry).</param>
/// <param name="Report">The cost report under that platform's prices, against the same cache node.</param>
internal sealed record PlatformCost(string Name, CostReport Report)
{
    /// <summary>The built-in prices when no <c>--platforms</c> is given.</summary>
    public static readonly string[] DefaultNames = ["aws", "aws-arm", "azure", "gcp"];

    /// <summary>
    /// Resolves <c>--platforms</c> names against the built-in prices and an optional <c>--prices</c> file (whose names win);
    /// an unknown name is a <see cref="FormatException"/> listing the known ones.
    /// </summary>
    public static IReadOnlyList<(string Name, FunctionPricing Pricing)> Resolve(IReadOnlyList<string> names, string? pricesFile)
    {
        var known = new Dictionary<string, FunctionPricing>(FunctionPricing.BuiltIn, StringComparer.OrdinalIgnoreCase);
        if (pricesFile is not null)
            foreach (var (name, pricing) in FunctionPricingFile.Load(pricesFile)) known[name] = pricing;
        var resolved = new List<(string, FunctionPricing)>();
        foreach (string name in names.Count > 0 ? names : pricesFile is null ? DefaultNames : [.. DefaultNames, .. FunctionPricingFile.Load(pricesFile).Keys])
        {
            if (!known.TryGetValue(name.Trim(), out var pricing))
                throw new FormatException($"--platforms: '{name}' is not a known price (known: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))}).");
            resolved.Add((name.Trim(), pricing));
        }
        return resolved;
    }

    /// <summary>Prices the meter's invocations for every platform over the same span and cache size.</summary>
    public static IReadOnlyList<PlatformCost> Price(CostMeter meter, IReadOnlyList<(string Name, FunctionPricing Pricing)> platforms, CacheNodePricing cacheNode, TimeSpan elapsed, long cacheBytes) =>
        platforms.Select(p => new PlatformCost(p.Name, meter.ReportAs(new PriceTable(p.Pricing, cacheNode), elapsed, cacheBytes))).ToArray();

    /// <summary>A table: one line per platform with GB-s, invocations, serving / warm-up / backup dollars, total, $/h and the ratio.</summary>
    public static string Format(string title, IReadOnlyList<PlatformCost> costs)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(title);
        text.AppendLine(string.Create(inv, $"  {"platform",-44} {"GB-s",10} {"invocations",12} {"serving $",10} {"warm-up $",10} {"backup $",10} {"total $",10} {"$/hour",9} {"vs cache node",14}"));
        foreach (var c in costs)
        {
            var r = c.Report;
            decimal Of(Functions.InvocationKind kind) => r.CostOf(kind).TotalCost;
            string ratio = r.CostRatio is { } x ? string.Create(inv, $"{x:0.0}× cheaper") : "-";
            text.AppendLine(string.Create(inv, $"  {$"{c.Name}: {r.Prices.Functions.Provider}",-44} {r.GbSeconds,10:N0} {r.Invocations,12:N0} {Of(Functions.InvocationKind.Serve),10:0.0000} {Of(Functions.InvocationKind.WarmUp),10:0.0000} {Of(Functions.InvocationKind.Backup),10:0.0000} {r.TotalCost,10:0.0000} {r.CostPerHour,9:0.0000} {ratio,14}"));
        }
        return text.ToString();
    }
}
