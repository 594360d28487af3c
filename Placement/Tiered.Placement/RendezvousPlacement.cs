using System.Runtime.CompilerServices;

namespace Tiered.Placement;

/// <summary>
/// Weighted rendezvous (highest random weight) hashing: every node scores the key with
/// <c>−w / ln u</c>, u = <see cref="KeyHash.ToUnitInterval"/>(<see cref="KeyHash.Combine"/>(key, node)), and the highest score wins.
/// Balance is as even as the hash, node shares follow the weights exactly in expectation, a joining node takes keys only
/// from others and a leaving node's keys spread over all survivors. A lookup costs O(n); insertion order does not matter.
/// </summary>
/// <remarks>
/// Chunks (<see cref="SnapshotPlacement{TNode}.LocateDistinct(ulong, Span{TNode})"/>) are placed by
/// <see cref="SlotMatching"/>: every (slot, node) pair gets its own rendezvous score and pairs are taken greedily from the
/// highest score down, skipping taken slots and nodes. A joining node changes only the pairs it wins, so when one node of
/// 24 joins an RS(10,2) layout about 1.16× the ideal 1/(n+1) of chunks move (binding chunk i to the i-th ranked node moves
/// about 6.5× the ideal); see docs/placement.md.
/// </remarks>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public sealed class RendezvousPlacement<TNode> : SnapshotPlacement<TNode> where TNode : notnull
{
    /// <summary>Creates an empty rendezvous placement; <paramref name="nameOf"/> names nodes (default <see cref="NodeNames.Default{TNode}"/>).</summary>
    public RendezvousPlacement(Func<TNode, string>? nameOf = null) : base(nameOf) { }

    /// <inheritdoc/>
    public override string Name => "rendezvous";

    /// <inheritdoc/>
    public override bool SupportsWeights => true;

    /// <inheritdoc/>
    protected override PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version) => new Snapshot(members, version);

    private sealed class Snapshot : PlacementSnapshot<TNode>
    {
        private readonly RendezvousScores scores;

        public Snapshot(PlacementMember<TNode>[] members, long version) : base(members, version) =>
            scores = new RendezvousScores(members.Select(m => m.NameHash).ToArray(), members.Select(m => m.Weight).ToArray());

        protected override int LocateIndexCore(ulong keyHash) => scores.Winner(keyHash);

        protected override void LocateDistinctCore(ulong keyHash, Span<int> indices) => SlotMatching.Match(scores, keyHash, indices);
    }
}

/// <summary>The rendezvous scores of a fixed set of nodes: the winner for a hash, and every node's score for it.</summary>
internal sealed class RendezvousScores
{
    private readonly ulong[] nameHashes;
    private readonly double[] inverseWeights;

    private const int RankBits = 16;
    private const ulong RankMask = (1UL << RankBits) - 1;
    private readonly ulong[] nameHashesByRank;
    private readonly int[] indexOfRank;

    public RendezvousScores(ulong[] nameHashes, double[] weights)
    {
        this.nameHashes = nameHashes;
        inverseWeights = weights.Select(w => 1.0 / w).ToArray();
        Uniform = weights.All(w => w == weights[0]);
        indexOfRank = Enumerable.Range(0, nameHashes.Length).OrderBy(i => nameHashes[i]).ToArray();
        nameHashesByRank = indexOfRank.Select(i => nameHashes[i]).ToArray();
    }

    /// <summary>The number of nodes.</summary>
    public int Count => nameHashes.Length;

    /// <summary>True when all weights are equal: scores then order like the raw 64-bit pair hashes, and no logarithm is needed.</summary>
    public bool Uniform { get; }

    /// <summary>The index of the node with the highest score for <paramref name="hash"/>.</summary>
    /// <remarks>
    /// With uniform weights the highest pair hash wins. The loop keeps the maximum of the top 47 bits of each pair hash
    /// followed by the node's 16-bit rank in name-hash order: no branch on random data (the JIT does not turn branches in
    /// loops into conditional moves), and the winner's rank comes out of the low bits. Two pair hashes equal in their top
    /// 47 bits (probability 2⁻⁴⁷) go to the larger name hash, whatever the insertion order.
    /// </remarks>
    public int Winner(ulong hash)
    {
        var names = nameHashes.AsSpan();
        if (Uniform && names.Length <= 1 << RankBits)
        {
            var ranked = nameHashesByRank.AsSpan();
            long top = 0;
            for (int rank = 0; rank < ranked.Length; rank++)
            {
                long candidate = (long)(((KeyHash.Combine(hash, ranked[rank]) >> 1) & ~RankMask) | (uint)rank);
                long difference = top - candidate;             // both are below 2⁶³, so the sign says which is larger
                top -= difference & (difference >> 63);         // top = max(top, candidate) without a branch
            }
            return indexOfRank[(int)(top & (long)RankMask)];
        }
        int best = 0;
        double topWeighted = Score(hash, 0);
        for (int i = 1; i < names.Length; i++)
        {
            double score = Score(hash, i);
            if (score > topWeighted || (score == topWeighted && names[i] < names[best])) { topWeighted = score; best = i; }
        }
        return best;
    }

    /// <summary>
    /// Node <paramref name="node"/>'s score for <paramref name="hash"/>, ordered like −w/ln u: <c>ln(u)/w</c> (negative;
    /// higher wins). With uniform weights it is the top 53 bits of the pair hash, which order the same way.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Score(ulong hash, int node)
    {
        ulong pair = KeyHash.Combine(hash, nameHashes[node]);
        return Uniform ? pair >> 11 : Math.Log(KeyHash.ToUnitInterval(pair)) * inverseWeights[node];
    }

    /// <summary>Node <paramref name="node"/>'s name hash, for breaking ties deterministically.</summary>
    public ulong NameHash(int node) => nameHashes[node];
}
