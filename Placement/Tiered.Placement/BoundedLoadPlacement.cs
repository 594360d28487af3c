namespace Tiered.Placement;

/// <summary>
/// Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018), for spreading requests over proxies:
/// a ring of virtual nodes where each node may carry at most <c>⌈c · (total + 1) · w / W⌉</c> requests in flight
/// (c = <see cref="CapacityFactor"/>, w its weight, W the sum of weights). <see cref="Acquire(ulong)"/> walks clockwise from
/// the key to the first node under its bound and counts the request against it; <see cref="Release"/> ends the request.
/// </summary>
/// <remarks>
/// <see cref="SnapshotPlacement{TNode}.Locate(ulong)"/> answers where <see cref="Acquire(ulong)"/> would send the key now
/// without counting anything; with no requests in flight that is the ring owner. Loads live with the nodes, not the
/// snapshots, so requests in flight survive membership changes; a node's load stays readable after it is removed until
/// its requests are released. Acquire and Release are thread-safe and lock-free.
/// </remarks>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public sealed class BoundedLoadPlacement<TNode> : SnapshotPlacement<TNode> where TNode : notnull
{
    /// <summary>The default capacity factor c.</summary>
    public const double DefaultCapacityFactor = 1.25;

    /// <summary>The default number of ring tokens per weight-1 node.</summary>
    public const int DefaultVirtualNodes = 100;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<TNode, LoadCell> loads = new();
    private long totalLoad;

    /// <summary>Creates an empty bounded-load placement.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacityFactor"/> is not a finite number ≥ 1, or <paramref name="virtualNodes"/> is not between 1 and 100,000.</exception>
    public BoundedLoadPlacement(double capacityFactor = DefaultCapacityFactor, int virtualNodes = DefaultVirtualNodes, Func<TNode, string>? nameOf = null) : base(nameOf)
    {
        if (!double.IsFinite(capacityFactor) || capacityFactor < 1)
            throw new ArgumentOutOfRangeException(nameof(capacityFactor), capacityFactor, "the capacity factor c must be a finite number ≥ 1 (1.25 is usual): each node may carry up to c times its fair share");
        if (virtualNodes is < 1 or > 100_000)
            throw new ArgumentOutOfRangeException(nameof(virtualNodes), virtualNodes, "virtual nodes per node must be between 1 and 100,000");
        CapacityFactor = capacityFactor;
        VirtualNodes = virtualNodes;
    }

    /// <summary>c: each node may carry up to c times its weighted share of the requests in flight.</summary>
    public double CapacityFactor { get; }

    /// <summary>Ring tokens per weight-1 node.</summary>
    public int VirtualNodes { get; }

    /// <inheritdoc/>
    public override string Name => $"bounded({CapacityFactor.ToString(System.Globalization.CultureInfo.InvariantCulture)})";

    /// <inheritdoc/>
    public override bool SupportsWeights => true;

    /// <summary>The number of requests in flight over all nodes.</summary>
    public long TotalLoad => Volatile.Read(ref totalLoad);

    /// <summary>The requests in flight on <paramref name="node"/> (0 for a node never used).</summary>
    public long LoadOf(TNode node) => loads.TryGetValue(node, out var cell) ? Volatile.Read(ref cell.Value) : 0;

    /// <summary>Chooses the node for a request on the key with hash <paramref name="keyHash"/> and counts the request against it.</summary>
    /// <exception cref="InvalidOperationException">there are no nodes.</exception>
    public TNode Acquire(ulong keyHash)
    {
        var snapshot = (Snapshot)Current;
        if (snapshot.Count == 0) throw new InvalidOperationException("the placement has no nodes: add at least one before acquiring");
        while (true)
        {
            long total = Volatile.Read(ref totalLoad);
            int index = snapshot.FirstUnderBound(keyHash, total);
            var cell = snapshot.Cells[index];
            long load = Interlocked.Increment(ref cell.Value);
            if (load <= snapshot.Bound(index, total) || snapshot.Count == 1)
            {
                Interlocked.Increment(ref totalLoad);
                return snapshot.Members[index].Node;
            }
            Interlocked.Decrement(ref cell.Value); // lost a race for the last unit of capacity; look again
        }
    }

    /// <summary>Chooses the node for a request on <paramref name="key"/> and counts the request against it.</summary>
    public TNode Acquire(ReadOnlySpan<byte> key) => Acquire(KeyHash.Of(key));

    /// <summary>Chooses the node for a request on <paramref name="key"/> (hashed as UTF-8) and counts the request against it.</summary>
    public TNode Acquire(string key) => Acquire(KeyHash.Of(key));

    /// <summary>Ends one request on <paramref name="node"/>; false when the node has no request in flight.</summary>
    public bool Release(TNode node)
    {
        if (!loads.TryGetValue(node, out var cell)) return false;
        while (true)
        {
            long load = Volatile.Read(ref cell.Value);
            if (load <= 0) return false;
            if (Interlocked.CompareExchange(ref cell.Value, load - 1, load) == load)
            {
                Interlocked.Decrement(ref totalLoad);
                return true;
            }
        }
    }

    /// <inheritdoc/>
    protected override PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version)
    {
        var cells = members.Select(m => loads.GetOrAdd(m.Node, _ => new LoadCell())).ToArray();
        return new Snapshot(this, members, version, cells);
    }

    internal sealed class LoadCell
    {
        public long Value;
    }

    private sealed class Snapshot : PlacementSnapshot<TNode>
    {
        private readonly BoundedLoadPlacement<TNode> owner;
        private readonly TokenRing ring;
        private readonly double[] shares;

        public Snapshot(BoundedLoadPlacement<TNode> owner, PlacementMember<TNode>[] members, long version, LoadCell[] cells) : base(members, version)
        {
            this.owner = owner;
            Cells = cells;
            double totalWeight = members.Sum(m => m.Weight);
            shares = members.Select(m => m.Weight / totalWeight).ToArray();
            ring = TokenRing.Build(members.Select(m => m.Name).ToArray(), members.Select(m => m.NameHash).ToArray(),
                members.Select(m => (int)Math.Clamp(Math.Round(owner.VirtualNodes * m.Weight), 1, 10_000_000)).ToArray());
        }

        public LoadCell[] Cells { get; }

        public long Bound(int index, long total) => (long)Math.Ceiling(owner.CapacityFactor * (total + 1) * shares[index]);

        public int FirstUnderBound(ulong keyHash, long total)
        {
            int position = ring.Position(keyHash);
            for (int step = 0; step < ring.TokenCount; step++)
            {
                int index = ring.OwnerAt(position);
                if (Volatile.Read(ref Cells[index].Value) < Bound(index, total)) return index;
                if (++position == ring.TokenCount) position = 0;
            }
            return ring.OwnerAt(ring.Position(keyHash)); // every node at its bound (only with c = 1 and rounding); fall back to the owner
        }

        protected override int LocateIndexCore(ulong keyHash) => FirstUnderBound(keyHash, owner.TotalLoad);
    }
}
