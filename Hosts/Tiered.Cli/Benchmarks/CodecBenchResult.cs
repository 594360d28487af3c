namespace Tiered.Cli.Benchmarks;

/// <summary>The operations measured for each codec and shard size, in table order.</summary>
internal enum CodecOperation
{
    /// <summary>Shard level: parity from data already split into shards (<c>EncodeParity</c> vs <c>ec_encode_data</c>/<c>xor_gen</c>/<c>pq_gen</c>).</summary>
    Encode,

    /// <summary>Shard level: rebuild the lost data shards (<c>Reconstruct(dataOnly: true)</c> vs invert + <c>ec_encode_data</c>).</summary>
    Decode,

    /// <summary>Object level: object → k+r shards, the copy included (<c>Encode</c> vs memcpy + ISA-L encode).</summary>
    EncodeObject,

    /// <summary>Object level: shards with losses → object (<c>Decode</c> vs ISA-L decode into the object + memcpy).</summary>
    DecodeObject,
}

/// <summary>One row of the table: a codec, a shard size, an operation, and the two throughputs.</summary>
internal sealed record CodecBenchResult(string Codec, int ShardSize, CodecOperation Operation, int Lost, long BytesPerOperation, Throughput Tiered, Throughput? IsaL)
{
    /// <summary>Tiered ÷ ISA-L on the best rounds (above 1: Tiered is faster), or null without ISA-L.</summary>
    public double? Ratio => IsaL is null ? null : Tiered.BestGBps / IsaL.BestGBps;

    public static string Label(CodecOperation operation) => operation switch
    {
        CodecOperation.Encode => "encode",
        CodecOperation.Decode => "decode",
        CodecOperation.EncodeObject => "encode (object)",
        CodecOperation.DecodeObject => "decode (object)",
        _ => operation.ToString(),
    };
}
