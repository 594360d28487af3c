namespace Tiered.Hosting;

/// <summary>
/// The placement strategy (<c>Tiered:Placement</c>): <c>rendezvous</c> (default), <c>modulo</c>, <c>ring</c>,
/// <c>vnodes</c>, <c>jump</c>, <c>maglev</c>, <c>bounded</c>, or one added with <see cref="TieredBuilder.AddPlacement"/>.
/// </summary>
public sealed class TieredPlacementOptions
{
    /// <summary>The strategy name. Default <c>rendezvous</c>.</summary>
    public string Kind { get; set; } = "rendezvous";

    /// <summary>Ring tokens per weight-1 node for <c>vnodes</c> and <c>bounded</c> (default 160).</summary>
    public int? VirtualNodes { get; set; }

    /// <summary>The prime Maglev table size (default 65537).</summary>
    public int? MaglevTableSize { get; set; }

    /// <summary>The bounded-load capacity factor c (default 1.25).</summary>
    public double? CapacityFactor { get; set; }

    /// <summary>Free-form parameters for registered (third-party) placements; not checked for unknown keys.</summary>
    public Dictionary<string, string> Parameters { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
