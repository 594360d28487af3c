namespace Tiered.Placement;

/// <summary>
/// The classic consistent-hash ring (Karger et al.) with one token per node: a key belongs to the first node clockwise
/// from its hash. Adding or removing a node moves only the keys of one arc, but with one token each the arcs — and so
/// the loads — are very uneven (peak/mean grows like ln n). Weights are not supported; use <see cref="VirtualNodePlacement{TNode}"/>.
/// </summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public sealed class ConsistentHashPlacement<TNode> : SnapshotPlacement<TNode> where TNode : notnull
{
    /// <summary>Creates an empty ring; <paramref name="nameOf"/> names nodes (default <see cref="NodeNames.Default{TNode}"/>).</summary>
    public ConsistentHashPlacement(Func<TNode, string>? nameOf = null) : base(nameOf) { }

    /// <inheritdoc/>
    public override string Name => "ring";

    /// <inheritdoc/>
    public override bool SupportsWeights => false;

    /// <inheritdoc/>
    protected override PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version) =>
        new RingSnapshot<TNode>(members, version, _ => 1);
}
