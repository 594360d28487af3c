using BenchmarkDotNet.Attributes;
using Tiered.Codecs;

namespace Tiered.Benchmarks;

// Run:   dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*RaidBenchmarks*'
// Quick: dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*RaidBenchmarks*' --job short

/// <summary>
/// RAID-5(4) and RAID-6(4) parity at the shard level (4 KiB stripe units, left-symmetric rotation): EncodeParity,
/// and Reconstruct of the most the code tolerates (RAID-5: shard 0; RAID-6: shards 0 and 1).
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class RaidBenchmarks
{
    private RaidCodec _codec = null!;
    private Memory<byte>[] _shards = null!;
    private bool[] _present = null!;

    [Params("raid5(4)", "raid6(4)")]
    public string Shape { get; set; } = "raid5(4)";

    [Params(64 * 1024, 1024 * 1024)]
    public int ShardSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _codec = (RaidCodec)CodecFactory.Create(Shape);
        _shards = ShardBuffers.Create(_codec.TotalShards, ShardSize, seed: 3);
        _codec.EncodeParity(_shards);
        _present = _codec.ParityShards == 1 ? ShardBuffers.Present(_codec.TotalShards, 0) : ShardBuffers.Present(_codec.TotalShards, 0, 1);
    }

    [Benchmark(Description = "encode (EncodeParity)")]
    public void EncodeParity() => _codec.EncodeParity(_shards);

    [Benchmark(Description = "decode r lost (Reconstruct)")]
    public void Reconstruct() => _codec.Reconstruct(_shards, _present, dataOnly: true);
}
