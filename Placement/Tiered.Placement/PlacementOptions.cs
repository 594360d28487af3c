namespace Tiered.Placement;

/// <summary>Parameters for <see cref="PlacementFactory"/> when the strategy is named without one.</summary>
public sealed record PlacementOptions
{
    /// <summary>Ring tokens per weight-1 node for <c>vnodes</c> and <c>bounded</c> (default 160).</summary>
    public int VirtualNodes { get; init; } = VirtualNodePlacement<string>.DefaultVirtualNodes;

    /// <summary>The prime Maglev table size (default 65537).</summary>
    public int MaglevTableSize { get; init; } = MaglevPlacement<string>.DefaultTableSize;

    /// <summary>The bounded-load capacity factor c (default 1.25).</summary>
    public double CapacityFactor { get; init; } = BoundedLoadPlacement<string>.DefaultCapacityFactor;
}
