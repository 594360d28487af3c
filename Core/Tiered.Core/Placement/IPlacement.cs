namespace Tiered.Placement;

/// <summary>
/// Decides which nodes hold a key, or a key's k+r erasure-coded chunks, for a changing set of nodes.
/// </summary>
/// <remarks>
/// Every location is a pure function of the key's bytes and the members' names and weights (and, for strategies that
/// say so, their insertion order), computed with stable hashes (<see cref="KeyHash"/>), so every process on every machine
/// agrees. Lookups never block and may run on any number of threads while nodes are added or removed: each lookup reads
/// one immutable <see cref="PlacementSnapshot{TNode}"/> and therefore sees the old or the new membership, never a torn one.
/// </remarks>
/// <typeparam name="TNode">The caller's node type; nodes are compared with their default equality and named with a stable name.</typeparam>
public interface IPlacement<TNode> where TNode : notnull
{
    /// <summary>The strategy and its parameters, e.g. <c>vnodes(160)</c> or <c>maglev(65537)</c>.</summary>
    string Name { get; }

    /// <summary>The current membership and lookup structure. Keep it to place several keys against one membership.</summary>
    PlacementSnapshot<TNode> Current { get; }

    /// <summary>The number of nodes now.</summary>
    int Count { get; }

    /// <summary>The nodes now, with names and weights.</summary>
    IReadOnlyList<PlacementMember<TNode>> Members { get; }

    /// <summary>Adds <paramref name="node"/> with a relative <paramref name="weight"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException">the node, or another node with the same name, is already a member; or the strategy does not support weights and <paramref name="weight"/> is not 1.</exception>
    void Add(TNode node, double weight = 1.0);

    /// <summary>Removes <paramref name="node"/>; returns false (and changes nothing) when it is not a member.</summary>
    /// <exception cref="InvalidOperationException">the strategy cannot remove this member (Jump removes only the most recently added node).</exception>
    bool Remove(TNode node);

    /// <summary>True when <paramref name="node"/> is a member now.</summary>
    bool Contains(TNode node);

    /// <summary>The node that holds the key with hash <paramref name="keyHash"/> (<see cref="KeyHash.Of(ReadOnlySpan{byte})"/>).</summary>
    /// <exception cref="InvalidOperationException">there are no nodes.</exception>
    TNode Locate(ulong keyHash);

    /// <summary>The node that holds <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">there are no nodes.</exception>
    TNode Locate(ReadOnlySpan<byte> key);

    /// <summary>The node that holds <paramref name="key"/> (hashed as UTF-8).</summary>
    /// <exception cref="InvalidOperationException">there are no nodes.</exception>
    TNode Locate(string key);

    /// <summary>Fills <paramref name="nodes"/> with <c>nodes.Length</c> different nodes; entry i holds chunk i of the key.</summary>
    /// <exception cref="InvalidOperationException">there are no nodes.</exception>
    /// <exception cref="ArgumentException">more nodes are asked for than there are members.</exception>
    void LocateDistinct(ulong keyHash, Span<TNode> nodes);

    /// <summary>Fills <paramref name="nodes"/> with different nodes for the chunks of <paramref name="key"/>.</summary>
    void LocateDistinct(ReadOnlySpan<byte> key, Span<TNode> nodes);

    /// <summary>Fills <paramref name="nodes"/> with different nodes for the chunks of <paramref name="key"/> (hashed as UTF-8).</summary>
    void LocateDistinct(string key, Span<TNode> nodes);
}
