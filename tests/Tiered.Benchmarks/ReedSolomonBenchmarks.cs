using BenchmarkDotNet.Attributes;
using Tiered.Codecs;

namespace Tiered.Benchmarks;

// Run:   dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*ReedSolomon*'
// Quick: dotnet run -c Release --project tests/Tiered.Benchmarks -- --filter '*ReedSolomon*' --job short
// Force a GF kernel with TIERED_GF_KERNEL=avx2-shuffle (the child process inherits the environment).

/// <summary>
/// Reed-Solomon at the shard level (EncodeParity = ISA-L's ec_encode_data; Reconstruct of 2 lost data shards)
/// and at the object level (Encode / Decode incl. the copy). Buffers are reused, so this is cache-hot.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class ReedSolomonBenchmarks
{
    private ReedSolomonCodec _codec = null!;
    private Memory<byte>[] _shards = null!;
    private ReadOnlyMemory<byte>[] _readOnlyShards = null!;
    private bool[] _lostTwo = null!;
    private byte[] _object = null!;
    private byte[] _destination = null!;

    [Params("rs(10,4)", "rs(10,2)", "rs(4,2)")]
    public string Shape { get; set; } = "rs(10,4)";

    [Params(64 * 1024, 1024 * 1024)]
    public int ShardSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _codec = (ReedSolomonCodec)CodecFactory.Create(Shape);
        _shards = ShardBuffers.Create(_codec.TotalShards, ShardSize, seed: 1);
        _readOnlyShards = _shards.Select(s => (ReadOnlyMemory<byte>)s).ToArray();
        _lostTwo = ShardBuffers.Present(_codec.TotalShards, 0, 1);
        _object = GC.AllocateUninitializedArray<byte>(_codec.DataShards * ShardSize, pinned: true);
        new Random(2).NextBytes(_object);
        _destination = GC.AllocateUninitializedArray<byte>(_object.Length, pinned: true);
        _codec.Encode(_object, _shards);
    }

    [Benchmark(Description = "encode (EncodeParity)")]
    public void EncodeParity() => _codec.EncodeParity(_shards);

    [Benchmark(Description = "decode 2 lost (Reconstruct)")]
    public void Reconstruct() => _codec.Reconstruct(_shards, _lostTwo, dataOnly: true);

    [Benchmark(Description = "encode (object)")]
    public void EncodeObject() => _codec.Encode(_object, _shards);

    [Benchmark(Description = "decode 2 lost (object)")]
    public void DecodeObject() => _codec.Decode(_readOnlyShards, _lostTwo, _destination);
}
