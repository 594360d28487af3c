using Tiered.Coding;
using Tiered.Placement;

namespace Tiered.Hosting;

/// <summary>
/// The codecs, placements and backends a tier can be composed of, by name: the built-in ones plus those added through
/// <see cref="TieredBuilder.AddCodec"/>, <see cref="TieredBuilder.AddPlacement"/> and <see cref="TieredBuilder.AddBackend"/>.
/// One instance per service collection.
/// </summary>
public sealed class TieredComponentRegistry
{
    internal Dictionary<string, Func<TieredCodecOptions, IErasureCodec>> Codecs { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal Dictionary<string, Func<TieredPlacementOptions, IPlacement<string>>> Placements { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal Dictionary<string, TieredBackendRegistration> Backends { get; } = new(StringComparer.OrdinalIgnoreCase);
    internal Dictionary<string, List<Type?>> ExtraConfiguration { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Codec kinds known: built-in first, then registered.</summary>
    public IReadOnlyList<string> CodecKinds => [.. TieredCodecs.BuiltInKinds, .. Codecs.Keys.Where(k => !TieredCodecs.IsBuiltIn(k))];

    /// <summary>Placement kinds known: built-in first, then registered.</summary>
    public IReadOnlyList<string> PlacementKinds => [.. PlacementFactory.Names, .. Placements.Keys.Where(k => !TieredPlacements.IsBuiltIn(k))];

    /// <summary>Backend kinds known.</summary>
    public IReadOnlyList<string> BackendKinds => [.. Backends.Keys];

    /// <summary>The backend registered as <paramref name="kind"/>, if any.</summary>
    public TieredBackendRegistration? FindBackend(string? kind) => kind is not null && Backends.TryGetValue(kind.Trim(), out var b) ? b : null;
}
