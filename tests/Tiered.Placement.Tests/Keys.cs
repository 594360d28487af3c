using Tiered.Placement.Statistics;

namespace Tiered.Placement.Tests;

/// <summary>Pre-hashed keys key-0 … key-(n-1), shared by the statistical tests.</summary>
internal static class Keys
{
    private static readonly Lazy<ulong[]> Million = new(() => PlacementStatistics.KeyHashes(1_000_000));

    /// <summary>The bar's 1,000,000 keys.</summary>
    public static ulong[] OneMillion => Million.Value;

    /// <summary>The first <paramref name="count"/> of them.</summary>
    public static ulong[] First(int count) => OneMillion[..count];
}
