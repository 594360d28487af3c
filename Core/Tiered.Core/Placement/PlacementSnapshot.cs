using System.Buffers;
using System.Collections.ObjectModel;

namespace Tiered.Placement;

/// <summary>
/// One immutable membership of a placement and the lookup structure built from it. A placement publishes a new
/// snapshot on every membership change; a lookup reads one snapshot, so it sees the old or the new membership,
/// never a mixture. Keep a snapshot to place several keys (or a key and its chunks) against the same membership.
/// </summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public abstract class PlacementSnapshot<TNode> where TNode : notnull
{
    private const int StackSlots = 256;
    private readonly PlacementMember<TNode>[] members;
    private readonly Dictionary<TNode, int> indexByNode;

    /// <summary>Creates a snapshot of <paramref name="members"/> (the array is owned by the snapshot from now on).</summary>
    protected PlacementSnapshot(PlacementMember<TNode>[] members, long version)
    {
        ArgumentNullException.ThrowIfNull(members);
        this.members = members;
        Version = version;
        indexByNode = new Dictionary<TNode, int>(members.Length);
        for (int i = 0; i < members.Length; i++) indexByNode.Add(members[i].Node, i);
        Members = new ReadOnlyCollection<PlacementMember<TNode>>(members);
    }

    /// <summary>Counts membership changes: 0 for the empty placement, one more for each add or remove.</summary>
    public long Version { get; }

    /// <summary>The number of nodes.</summary>
    public int Count => members.Length;

    /// <summary>The nodes in the order the strategy indexes them (insertion order unless the strategy says otherwise).</summary>
    public IReadOnlyList<PlacementMember<TNode>> Members { get; }

    /// <summary>The members as a span, for strategies' lookup loops.</summary>
    protected ReadOnlySpan<PlacementMember<TNode>> MemberSpan => members;

    /// <summary>The index of <paramref name="node"/> in <see cref="Members"/>, or -1.</summary>
    public int IndexOf(TNode node) => indexByNode.TryGetValue(node, out int index) ? index : -1;

    /// <summary>True when <paramref name="node"/> is a member.</summary>
    public bool Contains(TNode node) => indexByNode.ContainsKey(node);

    /// <summary>The index in <see cref="Members"/> of the node that holds the key with hash <paramref name="keyHash"/>.</summary>
    /// <exception cref="InvalidOperationException">the placement has no nodes.</exception>
    public int LocateIndex(ulong keyHash)
    {
        if (members.Length == 0) ThrowEmpty();
        return LocateIndexCore(keyHash);
    }

    /// <summary>The node that holds the key with hash <paramref name="keyHash"/> (see <see cref="KeyHash.Of(ReadOnlySpan{byte})"/>).</summary>
    /// <exception cref="InvalidOperationException">the placement has no nodes.</exception>
    public TNode Locate(ulong keyHash) => members[LocateIndex(keyHash)].Node;

    /// <summary>The node that holds <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">the placement has no nodes.</exception>
    public TNode Locate(ReadOnlySpan<byte> key) => Locate(KeyHash.Of(key));

    /// <summary>The node that holds <paramref name="key"/> (hashed as UTF-8).</summary>
    /// <exception cref="InvalidOperationException">the placement has no nodes.</exception>
    public TNode Locate(string key) => Locate(KeyHash.Of(key));

    /// <summary>
    /// Fills <paramref name="indices"/> with the indices of <c>indices.Length</c> different nodes for the key's chunks:
    /// entry i is where chunk i lives. Position-stable: when a node joins or leaves, mostly only the chunks that must move do.
    /// </summary>
    /// <exception cref="InvalidOperationException">the placement has no nodes.</exception>
    /// <exception cref="ArgumentException">more distinct nodes are asked for than there are members.</exception>
    public void LocateDistinctIndices(ulong keyHash, Span<int> indices)
    {
        if (members.Length == 0) ThrowEmpty();
        if (indices.Length > members.Length)
            throw new ArgumentException($"asked for {indices.Length} distinct nodes but the placement has only {members.Length}", nameof(indices));
        if (indices.Length == 0) return;
        LocateDistinctCore(keyHash, indices);
    }

    /// <summary>Fills <paramref name="nodes"/> with different nodes for the key's chunks: entry i holds chunk i (see <see cref="LocateDistinctIndices"/>).</summary>
    /// <exception cref="InvalidOperationException">the placement has no nodes.</exception>
    /// <exception cref="ArgumentException">more distinct nodes are asked for than there are members.</exception>
    public void LocateDistinct(ulong keyHash, Span<TNode> nodes)
    {
        int[]? rented = null;
        Span<int> indices = nodes.Length <= StackSlots ? stackalloc int[StackSlots] : (rented = ArrayPool<int>.Shared.Rent(nodes.Length));
        indices = indices[..nodes.Length];
        try
        {
            LocateDistinctIndices(keyHash, indices);
            for (int i = 0; i < nodes.Length; i++) nodes[i] = members[indices[i]].Node;
        }
        finally
        {
            if (rented is not null) ArrayPool<int>.Shared.Return(rented);
        }
    }

    /// <summary>Fills <paramref name="nodes"/> with different nodes for the chunks of <paramref name="key"/>.</summary>
    public void LocateDistinct(ReadOnlySpan<byte> key, Span<TNode> nodes) => LocateDistinct(KeyHash.Of(key), nodes);

    /// <summary>Fills <paramref name="nodes"/> with different nodes for the chunks of <paramref name="key"/> (hashed as UTF-8).</summary>
    public void LocateDistinct(string key, Span<TNode> nodes) => LocateDistinct(KeyHash.Of(key), nodes);

    /// <summary>The strategy's lookup; called only when there is at least one member.</summary>
    protected abstract int LocateIndexCore(ulong keyHash);

    /// <summary>
    /// The strategy's chunk placement; called with 1 ≤ <c>indices.Length</c> ≤ <see cref="Count"/>. The default is a
    /// per-slot draw in the manner of CRUSH <c>indep</c>: slot i looks up <see cref="KeyHash.ForSlot"/>(key, i, attempt)
    /// with the strategy's own lookup, retrying with the next attempt while the node is already taken by an earlier slot.
    /// Each slot's draw does not depend on the other slots' nodes except through collisions, so a membership change moves
    /// few chunks besides those on the node that joined or left.
    /// </summary>
    protected virtual void LocateDistinctCore(ulong keyHash, Span<int> indices)
    {
        int n = members.Length;
        int maxAttempts = 64 + 16 * n;
        for (int slot = 0; slot < indices.Length; slot++)
        {
            int chosen = -1, last = 0;
            for (int attempt = 0; attempt < maxAttempts; attempt++)
            {
                last = LocateIndexCore(KeyHash.ForSlot(keyHash, slot, attempt));
                if (!indices[..slot].Contains(last)) { chosen = last; break; }
            }
            if (chosen < 0)
            {
                // Astronomically unlikely with a fair strategy; stay deterministic: the next free index after the last draw.
                chosen = last;
                while (indices[..slot].Contains(chosen)) chosen = (chosen + 1) % n;
            }
            indices[slot] = chosen;
        }
    }

    private static void ThrowEmpty() => throw new InvalidOperationException("the placement has no nodes: add at least one before locating keys");
}
