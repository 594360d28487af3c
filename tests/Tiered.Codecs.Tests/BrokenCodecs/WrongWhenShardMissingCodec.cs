using Tiered.Coding;

namespace Tiered.Codecs.Tests.BrokenCodecs;

/// <summary>Decode and Reconstruct return one wrong byte whenever shard <paramref name="shard"/> is missing.</summary>
public sealed class WrongWhenShardMissingCodec(IErasureCodec inner, int shard) : DelegatingCodec(inner)
{
    public override void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination)
    {
        Inner.Decode(shards, present, destination);
        if (!present[shard] && destination.Length > 0) destination[destination.Length / 2] ^= 0x01;
    }

    public override void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, bool dataOnly = false)
    {
        Inner.Reconstruct(shards, present, dataOnly);
        if (!present[shard] && (!dataOnly || shard < DataShards) && shards[shard].Length > 0) shards[shard].Span[0] ^= 0x01;
    }
}
