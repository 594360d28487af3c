using Tiered.Coding;

namespace Tiered.Codecs.Tests.BrokenCodecs;

/// <summary>Decode zeroes the destination before the real codec gets to refuse bad arguments.</summary>
public sealed class WritesBeforeValidatingCodec(IErasureCodec inner) : DelegatingCodec(inner)
{
    public override void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination)
    {
        destination.Clear();
        Inner.Decode(shards, present, destination);
    }
}
