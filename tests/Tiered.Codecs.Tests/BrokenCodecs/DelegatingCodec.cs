using Tiered.Coding;

namespace Tiered.Codecs.Tests.BrokenCodecs;

/// <summary>Passes every call to a working codec; the broken codecs override one thing.</summary>
public abstract class DelegatingCodec(IErasureCodec inner) : IErasureCodec
{
    protected IErasureCodec Inner { get; } = inner;

    public virtual string Name => Inner.Name;
    public int DataShards => Inner.DataShards;
    public int ParityShards => Inner.ParityShards;
    public int TotalShards => Inner.TotalShards;
    public bool IsSystematic => Inner.IsSystematic;
    public int ShardAlignment => Inner.ShardAlignment;
    public long MaxObjectLength => Inner.MaxObjectLength;
    public int ShardSize(long objectLength) => Inner.ShardSize(objectLength);
    public virtual void Encode(ReadOnlySpan<byte> source, ReadOnlySpan<Memory<byte>> shards) => Inner.Encode(source, shards);
    public virtual void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination) => Inner.Decode(shards, present, destination);
    public virtual void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, bool dataOnly = false) => Inner.Reconstruct(shards, present, dataOnly);
    public virtual bool Verify(ReadOnlySpan<ReadOnlyMemory<byte>> shards) => Inner.Verify(shards);
}
