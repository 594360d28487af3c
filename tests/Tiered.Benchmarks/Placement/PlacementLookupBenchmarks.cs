using BenchmarkDotNet.Attributes;
using Tiered.Placement;

namespace Tiered.Benchmarks.Placement;

/// <summary>
/// Lookup cost of each strategy over 12 nodes (the bar: Maglev ≤ 10 ns, vnodes(160) ≤ 60 ns, rendezvous ≤ 60 ns
/// with pre-hashed keys, medians). Each invocation looks up 65,536 different keys, so the figures are per lookup and the
/// branch predictor cannot learn the answers (with a few hundred keys repeated, branchy loops look faster than they are).
/// Run: <c>dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*PlacementLookup*'</c>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class PlacementLookupBenchmarks
{
    private const int Batch = 65_536;
    private readonly ulong[] hashes = new ulong[Batch];
    private readonly string[] keys = new string[Batch];
    private PlacementSnapshot<string> snapshot = null!;

    /// <summary>The strategy, as <see cref="PlacementFactory"/> names it.</summary>
    [Params("modulo", "ring", "vnodes(160)", "rendezvous", "jump", "maglev(65537)")]
    public string Strategy { get; set; } = "rendezvous";

    [GlobalSetup]
    public void Setup()
    {
        var placement = PlacementFactory.Create(Strategy);
        for (int i = 0; i < 12; i++) placement.Add($"node-{i}");
        snapshot = placement.Current;
        var random = new Random(42);
        for (int i = 0; i < Batch; i++)
        {
            keys[i] = $"key-{random.Next(1_000_000)}";
            hashes[i] = KeyHash.Of(keys[i]);
        }
    }

    /// <summary>One lookup with a pre-hashed key.</summary>
    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public int LocatePrehashed()
    {
        int sum = 0;
        foreach (ulong hash in hashes) sum += snapshot.LocateIndex(hash);
        return sum;
    }

    /// <summary>One lookup of a string key, including its UTF-8 encoding and XxHash3 (allocation-free).</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int LocateString()
    {
        int sum = 0;
        foreach (string key in keys) sum += snapshot.Locate(key).Length;
        return sum;
    }
}
