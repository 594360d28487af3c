namespace Tiered.Placement;

/// <summary>
/// Jump consistent hashing (Lamping and Veach, 2014): no memory, perfect balance and minimal movement, but buckets are
/// numbered 0..n-1 in insertion order and only the LAST one can go. <see cref="SnapshotPlacement{TNode}.Remove"/> therefore
/// accepts only the most recently added node (see <see cref="RemoveLast"/>) and throws <see cref="InvalidOperationException"/>
/// for any other member; use it where nodes are replaced in place rather than removed. Weights are not supported.
/// </summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public sealed class JumpPlacement<TNode> : SnapshotPlacement<TNode> where TNode : notnull
{
    /// <summary>Creates an empty jump placement; <paramref name="nameOf"/> names nodes (default <see cref="NodeNames.Default{TNode}"/>).</summary>
    public JumpPlacement(Func<TNode, string>? nameOf = null) : base(nameOf) { }

    /// <inheritdoc/>
    public override string Name => "jump";

    /// <inheritdoc/>
    public override bool SupportsWeights => false;

    /// <summary>Removes the most recently added node (the last bucket) and returns it; false when there are no nodes.</summary>
    public bool RemoveLast(out TNode? node)
    {
        while (true)
        {
            var snapshot = Current;
            if (snapshot.Count == 0) { node = default; return false; }
            node = snapshot.Members[^1].Node;
            try
            {
                if (Remove(node)) return true;
            }
            catch (InvalidOperationException)
            {
                // another thread added a node in between; try again with the new last one
            }
        }
    }

    /// <summary>The Lamping–Veach bucket of <paramref name="keyHash"/> among <paramref name="buckets"/> buckets.</summary>
    public static int Bucket(ulong keyHash, int buckets)
    {
        long b = -1, j = 0;
        while (j < buckets)
        {
            b = j;
            keyHash = keyHash * 2862933555777941757UL + 1;
            j = (long)((b + 1) * ((double)(1L << 31) / (double)((keyHash >> 33) + 1)));
        }
        return (int)b;
    }

    /// <inheritdoc/>
    protected override void ValidateRemoval(PlacementSnapshot<TNode> snapshot, int index)
    {
        if (index != snapshot.Count - 1)
            throw new InvalidOperationException(
                $"jump placement can remove only the most recently added node (bucket {snapshot.Count - 1}, '{snapshot.Members[^1].Name}'); " +
                $"'{snapshot.Members[index].Name}' is bucket {index}. Replace it in place or use rendezvous or maglev placement.");
    }

    /// <inheritdoc/>
    protected override PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version) => new Snapshot(members, version);

    private sealed class Snapshot(PlacementMember<TNode>[] members, long version) : PlacementSnapshot<TNode>(members, version)
    {
        protected override int LocateIndexCore(ulong keyHash) => Bucket(keyHash, Count);
    }
}
