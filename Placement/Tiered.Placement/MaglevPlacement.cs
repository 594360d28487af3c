namespace Tiered.Placement;

/// <summary>
/// Maglev hashing (Eisenbud et al., NSDI 2016): a lookup table of prime size M filled round-robin from each node's own
/// permutation of the table (offset and skip derived from its name), so a lookup is one multiply and one array read.
/// Members are sorted by name hash before filling, so the table does not depend on insertion order. Weights change how
/// often a node takes a turn (as in Envoy). A membership change moves slightly more than the minimal 1/n of keys.
/// </summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public sealed class MaglevPlacement<TNode> : SnapshotPlacement<TNode> where TNode : notnull
{
    /// <summary>The default table size, a prime.</summary>
    public const int DefaultTableSize = 65537;

    private const ulong OffsetSeed = 0x6D61676C65762D6FUL; // "maglev-o"
    private const ulong SkipSeed = 0x6D61676C65762D73UL;   // "maglev-s"

    /// <summary>Creates an empty Maglev placement with a table of <paramref name="tableSize"/> entries.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tableSize"/> is not a prime between 3 and 1,000,003.</exception>
    public MaglevPlacement(int tableSize = DefaultTableSize, Func<TNode, string>? nameOf = null) : base(nameOf)
    {
        if (tableSize is < 3 or > 1_000_003 || !Primes.IsPrime(tableSize))
            throw new ArgumentOutOfRangeException(nameof(tableSize), tableSize, "the Maglev table size must be a prime between 3 and 1,000,003 (e.g. 65537, 655373)");
        TableSize = tableSize;
    }

    /// <summary>The number of table entries (a prime).</summary>
    public int TableSize { get; }

    /// <inheritdoc/>
    public override string Name => $"maglev({TableSize})";

    /// <inheritdoc/>
    public override bool SupportsWeights => true;

    /// <inheritdoc/>
    protected override PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version)
    {
        if (members.Length > TableSize)
            throw new InvalidOperationException($"a Maglev table of {TableSize} entries cannot hold {members.Length} nodes; use a larger prime table size (at least 100 × nodes)");
        return new Snapshot(members, version, BuildTable(members, TableSize));
    }

    /// <summary>Fills the table: entry → member index.</summary>
    internal static int[] BuildTable(PlacementMember<TNode>[] members, int size)
    {
        var table = new int[size];
        if (members.Length == 0) return table;
        table.AsSpan().Fill(-1);
        int[] order = Enumerable.Range(0, members.Length)
            .OrderBy(i => members[i].NameHash).ThenBy(i => members[i].Name, StringComparer.Ordinal).ToArray();
        int n = order.Length;
        var offset = new ulong[n];
        var skip = new ulong[n];
        var next = new ulong[n];
        var target = new double[n];
        double maxWeight = members.Max(m => m.Weight);
        for (int k = 0; k < n; k++)
        {
            ulong h = members[order[k]].NameHash;
            offset[k] = KeyHash.Mix(h ^ OffsetSeed) % (ulong)size;
            skip[k] = KeyHash.Mix(h ^ SkipSeed) % (ulong)(size - 1) + 1;
        }
        int filled = 0;
        for (long iteration = 1; filled < size; iteration++)
        {
            for (int k = 0; k < n && filled < size; k++)
            {
                double weight = members[order[k]].Weight;
                if (iteration * weight < target[k]) continue;
                target[k] += maxWeight;
                ulong entry;
                do
                {
                    entry = (offset[k] + next[k] * skip[k]) % (ulong)size;
                    next[k]++;
                }
                while (table[entry] >= 0);
                table[entry] = order[k];
                filled++;
            }
        }
        return table;
    }

    private sealed class Snapshot(PlacementMember<TNode>[] members, long version, int[] table) : PlacementSnapshot<TNode>(members, version)
    {
        private readonly ulong size = (ulong)table.Length;

        protected override int LocateIndexCore(ulong keyHash) => table[(int)Math.BigMul(keyHash, size, out _)];
    }
}
