using Tiered.Coding;

namespace Tiered.Codecs.Tests.BrokenCodecs;

/// <summary>Decode and Reconstruct treat every shard as present, whatever the flags say.</summary>
public sealed class IgnoresPresentFlagsCodec(IErasureCodec inner) : DelegatingCodec(inner)
{
    public override void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination)
    {
        Span<bool> all = stackalloc bool[present.Length];
        all.Fill(true);
        Inner.Decode(shards, all, destination);
    }

    public override void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, bool dataOnly = false)
    {
        Span<bool> all = stackalloc bool[present.Length];
        all.Fill(true);
        Inner.Reconstruct(shards, all, dataOnly);
    }
}
