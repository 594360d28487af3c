namespace Tiered.Placement;

/// <summary>
/// <c>hash(key) mod n</c> over the members in insertion order: perfectly even with a good hash, but adding or removing
/// a node moves about n/(n+1) of all keys. The baseline the other strategies are measured against. Weights are not supported.
/// </summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public sealed class ModuloPlacement<TNode> : SnapshotPlacement<TNode> where TNode : notnull
{
    /// <summary>Creates an empty modulo placement; <paramref name="nameOf"/> names nodes (default <see cref="NodeNames.Default{TNode}"/>).</summary>
    public ModuloPlacement(Func<TNode, string>? nameOf = null) : base(nameOf) { }

    /// <inheritdoc/>
    public override string Name => "modulo";

    /// <inheritdoc/>
    public override bool SupportsWeights => false;

    /// <inheritdoc/>
    protected override PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version) => new Snapshot(members, version);

    private sealed class Snapshot(PlacementMember<TNode>[] members, long version) : PlacementSnapshot<TNode>(members, version)
    {
        private readonly ulong count = (ulong)members.Length;

        protected override int LocateIndexCore(ulong keyHash) => (int)(keyHash % count);
    }
}
