namespace Tiered.Placement;

/// <summary>A node taking part in a placement, with its stable name, the hash of that name and its weight.</summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
/// <param name="Node">The node as the caller added it.</param>
/// <param name="Name">The node's stable name: strategies hash this, never the node object, so placements agree across processes.</param>
/// <param name="NameHash">XxHash3 of the UTF-8 bytes of <paramref name="Name"/> (see <see cref="KeyHash.Of(string)"/>).</param>
/// <param name="Weight">The node's relative capacity: a weight-2 node receives about twice the keys of a weight-1 node (where the strategy supports weights).</param>
public readonly record struct PlacementMember<TNode>(TNode Node, string Name, ulong NameHash, double Weight) where TNode : notnull;
