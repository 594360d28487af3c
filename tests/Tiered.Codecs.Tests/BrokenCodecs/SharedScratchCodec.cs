using Tiered.Coding;

namespace Tiered.Codecs.Tests.BrokenCodecs;

/// <summary>
/// Not thread-safe: Decode goes through one scratch buffer shared by every caller, and yields while the bytes
/// sit there so that concurrent calls overwrite each other's.
/// </summary>
public sealed class SharedScratchCodec(IErasureCodec inner) : DelegatingCodec(inner)
{
    private byte[] _scratch = [];

    public override void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination)
    {
        if (_scratch.Length < destination.Length) _scratch = new byte[destination.Length];
        var scratch = _scratch;
        Inner.Decode(shards, present, scratch.AsSpan(0, destination.Length));
        Thread.Sleep(1);
        _scratch.AsSpan(0, Math.Min(destination.Length, _scratch.Length)).CopyTo(destination);
    }
}
