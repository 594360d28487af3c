using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tiered.Cost;

/// <summary>
/// Function prices from a JSON file, so a cost report can use today's prices for your region instead of the built-in list
/// prices: <c>{ "my-aws": { "Provider": "AWS Lambda (eu-west-1)", "PricePerGbSecond": 0.0000166667,
/// "PricePerMillionInvocations": 0.20, "BillingGranularityMs": 1, "MinimumBilledDurationMs": 0, "MemoryGranularityMiB": 1 } }</c>.
/// </summary>
public static class FunctionPricingFile
{
    private sealed record Entry(
        string? Provider, decimal? PricePerGbSecond, decimal? PricePerMillionInvocations,
        double? BillingGranularityMs, double? MinimumBilledDurationMs, double? MemoryGranularityMiB);

    private static readonly JsonSerializerOptions Options = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads named prices; every error names the file, the entry and the field.</summary>
    /// <exception cref="InvalidDataException">The file is not valid JSON of that shape, or a price is missing or invalid.</exception>
    public static IReadOnlyDictionary<string, FunctionPricing> Load(string path)
    {
        Dictionary<string, Entry>? entries;
        try
        {
            using var stream = File.OpenRead(path);
            entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(stream, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a price file ({e.Message}). Expected {{ \"name\": {{ \"Provider\", \"PricePerGbSecond\", \"PricePerMillionInvocations\", \"BillingGranularityMs\", \"MinimumBilledDurationMs\", \"MemoryGranularityMiB\" }} }}.", e);
        }
        if (entries is null || entries.Count == 0) throw new InvalidDataException($"{path}: no prices in it.");
        var prices = new Dictionary<string, FunctionPricing>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, entry) in entries)
        {
            string Where(string field) => $"{path}: '{name}'.{field}";
            if (entry is null) throw new InvalidDataException($"{path}: '{name}' is empty.");
            var pricing = new FunctionPricing(
                entry.Provider ?? name,
                entry.PricePerGbSecond ?? throw new InvalidDataException($"{Where("PricePerGbSecond")} is required."),
                entry.PricePerMillionInvocations ?? throw new InvalidDataException($"{Where("PricePerMillionInvocations")} is required."),
                TimeSpan.FromMilliseconds(entry.BillingGranularityMs ?? 1),
                TimeSpan.FromMilliseconds(entry.MinimumBilledDurationMs ?? 0),
                (long)((entry.MemoryGranularityMiB ?? 1) * 1024 * 1024));
            try { pricing.Validate(); }
            catch (ArgumentException e) { throw new InvalidDataException($"{path}: '{name}': {e.Message}", e); }
            prices[name] = pricing;
        }
        return prices;
    }
}
