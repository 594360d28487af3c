using System.Diagnostics;
using System.Globalization;

namespace Tiered.Placement.Statistics;

/// <summary>
/// Measures a strategy the way the issue's bar is stated: place keys <c>key-0 … key-(M-1)</c> (XxHash3 of their UTF-8) on
/// nodes <c>node-0 … node-(n-1)</c>, then add <c>node-n</c> (weight 1) and, separately, remove <c>node-(n-1)</c> (the last,
/// the only node jump placement can remove), and compare where every key — or every chunk — lives.
/// </summary>
public static class PlacementStatistics
{
    /// <summary>The hashes of the keys <c>key-0 … key-(count-1)</c>.</summary>
    public static ulong[] KeyHashes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var hashes = new ulong[count];
        Parallel.For(0, count, i => hashes[i] = KeyHash.Of("key-" + i.ToString(CultureInfo.InvariantCulture)));
        return hashes;
    }

    /// <summary>The name of node <paramref name="index"/>: <c>node-index</c>.</summary>
    public static string NodeName(int index) => "node-" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>Measures the placements made by <paramref name="create"/> (a fresh, empty placement on each call).</summary>
    /// <param name="create">Makes an empty placement of the strategy to measure.</param>
    /// <param name="nodes">n: the number of nodes before the change.</param>
    /// <param name="keyHashes">The keys, pre-hashed.</param>
    /// <param name="weights">Node weights (n of them), or null for weight 1 everywhere.</param>
    /// <param name="chunksPerKey">1 to place keys; k+r to place each key's chunks on distinct nodes.</param>
    /// <param name="progress">Receives a line before each long step, or null.</param>
    /// <param name="timeLookups">Time single-threaded lookups (about a second); when false <see cref="PlacementReport.NanosecondsPerLookup"/> is NaN.</param>
    /// <exception cref="ArgumentException">bad counts or weights.</exception>
    public static PlacementReport Measure(Func<SnapshotPlacement<string>> create, int nodes, ulong[] keyHashes,
        IReadOnlyList<double>? weights = null, int chunksPerKey = 1, Action<string>? progress = null, bool timeLookups = true)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(keyHashes);
        if (nodes < 2) throw new ArgumentOutOfRangeException(nameof(nodes), nodes, "need at least 2 nodes to measure a removal");
        if (weights is not null && weights.Count != nodes)
            throw new ArgumentException($"got {weights.Count} weights for {nodes} nodes; give one weight per node", nameof(weights));
        if (chunksPerKey < 1 || chunksPerKey > nodes - 1)
            throw new ArgumentOutOfRangeException(nameof(chunksPerKey), chunksPerKey, $"chunks per key must be between 1 and {nodes - 1} (one fewer than the nodes, so a node can be removed)");

        double WeightOf(int node) => weights is null || node >= nodes ? 1.0 : weights[node];
        SnapshotPlacement<string> Build(int count)
        {
            var placement = create();
            for (int i = 0; i < count; i++) placement.Add(NodeName(i), WeightOf(i));
            return placement;
        }

        string strategy = create().Name;
        progress?.Invoke($"{strategy}: placing {keyHashes.Length:N0} keys{(chunksPerKey > 1 ? $" × {chunksPerKey} chunks" : "")} on {nodes} nodes");
        var before = Build(nodes);
        var (baseline, nanoseconds) = Assign(before, keyHashes, chunksPerKey, timed: timeLookups);

        progress?.Invoke($"{strategy}: adding {NodeName(nodes)}");
        var grown = Build(nodes);
        grown.Add(NodeName(nodes));
        var (afterAdd, _) = Assign(grown, keyHashes, chunksPerKey, timed: false);

        progress?.Invoke($"{strategy}: removing {NodeName(nodes - 1)}");
        var shrunk = Build(nodes);
        if (!shrunk.Remove(NodeName(nodes - 1))) throw new InvalidOperationException("the last node could not be removed");
        var (afterRemove, _) = Assign(shrunk, keyHashes, chunksPerKey, timed: false);

        var loads = new long[nodes];
        foreach (int node in baseline) loads[node]++;
        double mean = loads.Average();
        double variance = loads.Sum(l => (l - mean) * (l - mean)) / nodes;
        double totalWeight = Enumerable.Range(0, nodes).Sum(WeightOf);
        double maxShareError = Enumerable.Range(0, nodes).Max(i => Math.Abs((double)loads[i] / baseline.Length / (WeightOf(i) / totalWeight) - 1));

        var (movedAdd, survivorsAdd) = Compare(baseline, afterAdd, changed: nodes);
        var (movedRemove, survivorsRemove) = Compare(baseline, afterRemove, changed: nodes - 1);
        return new PlacementReport(strategy, nodes, keyHashes.Length, chunksPerKey, loads,
            loads.Max() / mean, loads.Min() / mean, Math.Sqrt(variance) / mean, maxShareError,
            movedAdd, 1.0 / (totalWeight + 1), survivorsAdd,
            movedRemove, WeightOf(nodes - 1) / totalWeight, survivorsRemove,
            nanoseconds, NodeName(nodes), NodeName(nodes - 1));
    }

    /// <summary>Fraction moved, and fraction moved with neither end being <paramref name="changed"/> (the node that joined or left).</summary>
    private static (double Moved, double BetweenSurvivors) Compare(int[] before, int[] after, int changed)
    {
        long moved = 0, between = 0;
        for (int i = 0; i < before.Length; i++)
        {
            if (before[i] == after[i]) continue;
            moved++;
            if (before[i] != changed && after[i] != changed) between++;
        }
        return ((double)moved / before.Length, (double)between / before.Length);
    }

    /// <summary>Node number (from its name) for every key, or every chunk slot of every key.</summary>
    private static (int[] Nodes, double Nanoseconds) Assign(SnapshotPlacement<string> placement, ulong[] keys, int chunks, bool timed)
    {
        var snapshot = placement.Current;
        var numberOf = snapshot.Members.Select(m => int.Parse(m.Name.AsSpan(5), CultureInfo.InvariantCulture)).ToArray();
        var result = new int[keys.Length * chunks];

        if (placement is BoundedLoadPlacement<string> bounded && chunks == 1)
        {
            // Bounded loads depend on the order of requests: every key is acquired in order and held.
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < keys.Length; i++) result[i] = numberOf[snapshot.IndexOf(bounded.Acquire(keys[i]))];
            return (result, timed ? Stopwatch.GetElapsedTime(start).TotalNanoseconds / keys.Length : double.NaN);
        }

        Parallel.For(0, (keys.Length + 4095) / 4096, block => AssignRange(snapshot, numberOf, keys, chunks, result, block * 4096, Math.Min(keys.Length, block * 4096 + 4096)));
        return (result, timed ? TimeLookups(snapshot, numberOf, keys, chunks) : double.NaN);
    }

    /// <summary>
    /// The best of several single-threaded passes over (a prefix of) the keys, after a warm-up pass so the JIT has
    /// optimized the lookup: nanoseconds per lookup.
    /// </summary>
    private static double TimeLookups(PlacementSnapshot<string> snapshot, int[] numberOf, ulong[] keys, int chunks)
    {
        int sample = Math.Min(keys.Length, chunks == 1 ? 1_000_000 : 50_000);
        var scratch = new int[sample * chunks];
        double best = double.MaxValue;
        long budget = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        for (int pass = 0; pass < 7 && (pass < 3 || Stopwatch.GetTimestamp() < budget); pass++)
        {
            long begin = Stopwatch.GetTimestamp();
            AssignRange(snapshot, numberOf, keys, chunks, scratch, 0, sample);
            double nanoseconds = Stopwatch.GetElapsedTime(begin).TotalNanoseconds / sample;
            if (pass > 0) best = Math.Min(best, nanoseconds); // pass 0 warms up
        }
        return best;
    }

    private static void AssignRange(PlacementSnapshot<string> snapshot, int[] numberOf, ulong[] keys, int chunks, int[] result, int from, int to)
    {
        if (chunks == 1)
        {
            for (int i = from; i < to; i++) result[i] = numberOf[snapshot.LocateIndex(keys[i])];
            return;
        }
        Span<int> slots = stackalloc int[chunks];
        for (int i = from; i < to; i++)
        {
            snapshot.LocateDistinctIndices(keys[i], slots);
            for (int s = 0; s < chunks; s++) result[i * chunks + s] = numberOf[slots[s]];
        }
    }
}
