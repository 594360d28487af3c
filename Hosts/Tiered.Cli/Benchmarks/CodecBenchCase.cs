using Tiered.Codecs;
using Tiered.Codecs.Kernels;

namespace Tiered.Cli.Benchmarks;

/// <summary>Which ISA-L routine does the same work as a codec's parity computation.</summary>
internal enum IsaLMethod
{
    /// <summary>No ISA-L counterpart (replication is a copy).</summary>
    None,

    /// <summary><c>ec_encode_data</c> with <c>gf_gen_cauchy1_matrix</c>; decode inverts k surviving rows first.</summary>
    ReedSolomon,

    /// <summary><c>xor_gen</c> over k+1 buffers (encode and the 1-lost rebuild alike).</summary>
    Xor,

    /// <summary><c>pq_gen</c> over k+2 buffers; the 2-lost decode goes through <c>ec_encode_data</c> with the P/Q matrix.</summary>
    PQ,
}

/// <summary>One codec shape the benchmark measures, with the data shards it loses for the decode measurement.</summary>
internal sealed record CodecBenchCase(string Name, int DataShards, int ParityShards, int[] Lost, IsaLMethod IsaL, Func<GaloisKernel, LinearCodec> Create)
{
    public int TotalShards => DataShards + ParityShards;

    /// <summary>The default set: RS(10,4), RS(10,2), RS(4,2), RAID-5(4), RAID-6(4), Replication(3).</summary>
    public static IReadOnlyList<CodecBenchCase> Defaults { get; } =
    [
        new("rs(10,4)", 10, 4, [0, 1], IsaLMethod.ReedSolomon, kernel => new ReedSolomonCodec(10, 4, kernel)),
        new("rs(10,2)", 10, 2, [0, 1], IsaLMethod.ReedSolomon, kernel => new ReedSolomonCodec(10, 2, kernel)),
        new("rs(4,2)", 4, 2, [0, 1], IsaLMethod.ReedSolomon, kernel => new ReedSolomonCodec(4, 2, kernel)),
        // RAID-5 tolerates one loss only, so its decode rebuilds one shard.
        new("raid5(4)", 4, 1, [0], IsaLMethod.Xor, kernel => RaidCodec.Raid5(4, kernel: kernel)),
        new("raid6(4)", 4, 2, [0, 1], IsaLMethod.PQ, kernel => RaidCodec.Raid6(4, kernel: kernel)),
        // Replication: shards 0 and 1 lost, shard 0 rebuilt from the one copy left.
        new("replication(3)", 1, 2, [0, 1], IsaLMethod.None, kernel => new ReplicationCodec(3, kernel)),
    ];

    /// <summary>Default shard sizes: 64 KiB and 1 MiB.</summary>
    public static IReadOnlyList<int> DefaultShardSizes { get; } = [64 * 1024, 1024 * 1024];
}
