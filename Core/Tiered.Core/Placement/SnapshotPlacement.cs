namespace Tiered.Placement;

/// <summary>
/// The shared half of every strategy: membership changes under a lock, each publishing a new immutable
/// <see cref="PlacementSnapshot{TNode}"/> with one atomic reference swap; lookups read the current snapshot without locking.
/// </summary>
/// <typeparam name="TNode">The caller's node type.</typeparam>
public abstract class SnapshotPlacement<TNode> : IPlacement<TNode> where TNode : notnull
{
    private readonly Func<TNode, string> nameOf;
    private readonly Lock gate = new();
    private PlacementSnapshot<TNode>? current;

    /// <summary>Creates an empty placement; <paramref name="nameOf"/> gives each node its stable name (default: <see cref="NodeNames.Default{TNode}"/>).</summary>
    protected SnapshotPlacement(Func<TNode, string>? nameOf = null) => this.nameOf = nameOf ?? NodeNames.Default;

    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <summary>True when nodes may have weights other than 1.</summary>
    public abstract bool SupportsWeights { get; }

    /// <inheritdoc/>
    public PlacementSnapshot<TNode> Current => Volatile.Read(ref current) ?? CreateEmpty();

    /// <inheritdoc/>
    public int Count => Current.Count;

    /// <inheritdoc/>
    public IReadOnlyList<PlacementMember<TNode>> Members => Current.Members;

    /// <inheritdoc/>
    public void Add(TNode node, double weight = 1.0) => AddRange([node], weight);

    /// <summary>Adds several nodes with the same <paramref name="weight"/> as one membership change (one new snapshot).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is not a positive finite number.</exception>
    /// <exception cref="ArgumentException">a node, or a node with the same name, is already a member or listed twice; or the strategy does not support weights and <paramref name="weight"/> is not 1.</exception>
    public void AddRange(IEnumerable<TNode> nodes, double weight = 1.0)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (!double.IsFinite(weight) || weight <= 0)
            throw new ArgumentOutOfRangeException(nameof(weight), weight, $"a node's weight must be a positive finite number (got {weight})");
        if (weight != 1.0 && !SupportsWeights)
            throw new ArgumentException($"the {Name} strategy gives every node the same share and does not support weights (got weight {weight}); use rendezvous, vnodes or maglev for weighted nodes", nameof(weight));

        lock (gate)
        {
            var snapshot = Current;
            var members = new List<PlacementMember<TNode>>(snapshot.Members);
            foreach (var node in nodes)
            {
                ArgumentNullException.ThrowIfNull(node, nameof(nodes));
                string name = nameOf(node) ?? throw new ArgumentException("the naming function returned null", nameof(nodes));
                foreach (var member in members)
                {
                    if (EqualityComparer<TNode>.Default.Equals(member.Node, node))
                        throw new ArgumentException($"node '{name}' is already in the placement", nameof(nodes));
                    if (member.Name == name)
                        throw new ArgumentException($"another node already has the name '{name}'; node names must be distinct because strategies hash names", nameof(nodes));
                }
                ulong nameHash = KeyHash.Of(name);
                foreach (var member in members)
                    if (member.NameHash == nameHash)
                        throw new ArgumentException($"the names '{name}' and '{member.Name}' have the same 64-bit hash; rename one of the nodes", nameof(nodes));
                members.Add(new PlacementMember<TNode>(node, name, nameHash, weight));
            }
            if (members.Count == snapshot.Count) return;
            Volatile.Write(ref current, CreateSnapshot([.. members], snapshot.Version + 1));
        }
    }

    /// <inheritdoc/>
    public bool Remove(TNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        lock (gate)
        {
            var snapshot = Current;
            int index = snapshot.IndexOf(node);
            if (index < 0) return false;
            ValidateRemoval(snapshot, index);
            var members = new PlacementMember<TNode>[snapshot.Count - 1];
            for (int i = 0, j = 0; i < snapshot.Count; i++)
                if (i != index) members[j++] = snapshot.Members[i];
            Volatile.Write(ref current, CreateSnapshot(members, snapshot.Version + 1));
            return true;
        }
    }

    /// <inheritdoc/>
    public bool Contains(TNode node) => Current.Contains(node);

    /// <inheritdoc/>
    public TNode Locate(ulong keyHash) => Current.Locate(keyHash);

    /// <inheritdoc/>
    public TNode Locate(ReadOnlySpan<byte> key) => Current.Locate(KeyHash.Of(key));

    /// <inheritdoc/>
    public TNode Locate(string key) => Current.Locate(KeyHash.Of(key));

    /// <inheritdoc/>
    public void LocateDistinct(ulong keyHash, Span<TNode> nodes) => Current.LocateDistinct(keyHash, nodes);

    /// <inheritdoc/>
    public void LocateDistinct(ReadOnlySpan<byte> key, Span<TNode> nodes) => Current.LocateDistinct(KeyHash.Of(key), nodes);

    /// <inheritdoc/>
    public void LocateDistinct(string key, Span<TNode> nodes) => Current.LocateDistinct(KeyHash.Of(key), nodes);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} over {Count} nodes";

    /// <summary>Builds the strategy's lookup structure for <paramref name="members"/> (insertion order; the array is the snapshot's to keep).</summary>
    protected abstract PlacementSnapshot<TNode> CreateSnapshot(PlacementMember<TNode>[] members, long version);

    /// <summary>Throws when the strategy cannot remove the member at <paramref name="index"/>; the default allows every removal.</summary>
    /// <exception cref="InvalidOperationException">the removal is not possible with this strategy.</exception>
    protected virtual void ValidateRemoval(PlacementSnapshot<TNode> snapshot, int index) { }

    private PlacementSnapshot<TNode> CreateEmpty()
    {
        lock (gate)
        {
            if (current is null) Volatile.Write(ref current, CreateSnapshot([], 0));
            return current!;
        }
    }
}
