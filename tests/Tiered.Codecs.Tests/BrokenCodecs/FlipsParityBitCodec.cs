using Tiered.Coding;

namespace Tiered.Codecs.Tests.BrokenCodecs;

/// <summary>Encode flips one bit of the first parity shard (shard k) after encoding correctly.</summary>
public sealed class FlipsParityBitCodec(IErasureCodec inner) : DelegatingCodec(inner)
{
    public override void Encode(ReadOnlySpan<byte> source, ReadOnlySpan<Memory<byte>> shards)
    {
        Inner.Encode(source, shards);
        if (ParityShards > 0 && shards.Length == TotalShards && shards[DataShards].Length > 0)
            shards[DataShards].Span[^1] ^= 0x10;
    }
}
