using BenchmarkDotNet.Attributes;
using Tiered.Placement;

namespace Tiered.Benchmarks.Placement;

/// <summary>
/// Cost of placing one key's RS(10,2) chunks on 12 distinct nodes out of 24: rendezvous slot matching against the
/// generic per-slot draw (here over Maglev). Run: <c>dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*ChunkPlacement*'</c>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class ChunkPlacementBenchmarks
{
    private const int Batch = 256;
    private readonly ulong[] hashes = new ulong[Batch];
    private readonly int[] slots = new int[12];
    private PlacementSnapshot<string> rendezvous = null!;
    private PlacementSnapshot<string> maglev = null!;

    [GlobalSetup]
    public void Setup()
    {
        var hrw = PlacementFactory.Create("rendezvous");
        var table = PlacementFactory.Create("maglev");
        for (int i = 0; i < 24; i++)
        {
            hrw.Add($"node-{i}");
            table.Add($"node-{i}");
        }
        rendezvous = hrw.Current;
        maglev = table.Current;
        for (int i = 0; i < Batch; i++) hashes[i] = KeyHash.Of($"key-{i}");
    }

    /// <summary>Rendezvous slot matching (position-stable, ~1.16× the ideal movement).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Baseline = true)]
    public int RendezvousMatching()
    {
        int sum = 0;
        foreach (ulong hash in hashes)
        {
            rendezvous.LocateDistinctIndices(hash, slots);
            sum += slots[0];
        }
        return sum;
    }

    /// <summary>The default per-slot draw with retries, over Maglev lookups.</summary>
    [Benchmark(OperationsPerInvoke = Batch)]
    public int MaglevPerSlotDraw()
    {
        int sum = 0;
        foreach (ulong hash in hashes)
        {
            maglev.LocateDistinctIndices(hash, slots);
            sum += slots[0];
        }
        return sum;
    }
}
