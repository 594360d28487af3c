namespace Tiered.Placement;

/// <summary>A snapshot whose lookup is a <see cref="TokenRing"/>; <c>tokensOf</c> says how many tokens each member gets.</summary>
internal sealed class RingSnapshot<TNode> : PlacementSnapshot<TNode> where TNode : notnull
{
    public RingSnapshot(PlacementMember<TNode>[] members, long version, Func<PlacementMember<TNode>, int> tokensOf) : base(members, version)
    {
        var hashes = new ulong[members.Length];
        var counts = new int[members.Length];
        for (int i = 0; i < members.Length; i++)
        {
            hashes[i] = members[i].NameHash;
            counts[i] = tokensOf(members[i]);
        }
        Ring = TokenRing.Build(members.Select(m => m.Name).ToArray(), hashes, counts);
    }

    /// <summary>The ring.</summary>
    public TokenRing Ring { get; }

    protected override int LocateIndexCore(ulong keyHash) => Ring.Owner(keyHash);
}
