namespace Tiered.Coding;

/// <summary>
/// An erasure code: an object of n bytes becomes <see cref="DataShards"/> + <see cref="ParityShards"/>
/// shards of <see cref="ShardSize"/>(n) bytes each, and any <see cref="DataShards"/> of them rebuild it.
/// </summary>
/// <remarks>
/// Shard lists are passed as spans of <see cref="Memory{T}"/> so that callers can hand in pooled
/// buffers (see <see cref="ShardSet"/>) without copying. Presence is a span of flags, one per shard:
/// a missing shard's buffer is never read, a present one is never written except by <see cref="Reconstruct"/>
/// which fills only the missing ones. Implementations must be safe to call from many threads at once.
/// </remarks>
public interface IErasureCodec
{
    /// <summary>The codec with its parameters, e.g. <c>rs(10,4)</c> or <c>raid5(4)</c>.</summary>
    string Name { get; }

    /// <summary>k: the number of shards needed to rebuild an object.</summary>
    int DataShards { get; }

    /// <summary>r: how many shards may be lost (any r of them).</summary>
    int ParityShards { get; }

    /// <summary>k + r.</summary>
    int TotalShards { get; }

    /// <summary>
    /// True when shards 0..k-1 hold the object's bytes unchanged and the last r shards hold only
    /// redundancy, so an object whose k data shards are all present decodes by copying alone.
    /// </summary>
    bool IsSystematic { get; }

    /// <summary>
    /// True when data shard j is exactly bytes [j·S, (j+1)·S) of the object, zero-padded: a client can then send
    /// slices of the object as data chunks and receive data chunks straight into place, with no copy or decode.
    /// </summary>
    bool IsContiguous => false;

    /// <summary>Every shard length this codec produces is a multiple of this.</summary>
    int ShardAlignment { get; }

    /// <summary>The largest object this codec can split (its shards must each fit in one buffer).</summary>
    long MaxObjectLength { get; }

    /// <summary>The length of each shard for an object of <paramref name="objectLength"/> bytes (0 for an empty object).</summary>
    int ShardSize(long objectLength);

    /// <summary>Splits <paramref name="source"/> into all k+r shards, each exactly <see cref="ShardSize"/>(source.Length) bytes.</summary>
    void Encode(ReadOnlySpan<byte> source, ReadOnlySpan<Memory<byte>> shards);

    /// <summary>
    /// Rebuilds the object (its length is <paramref name="destination"/>.Length) from the shards flagged in
    /// <paramref name="present"/>; at least k must be present. The shards are not modified.
    /// </summary>
    /// <exception cref="TooManyErasuresException">fewer than k shards are present.</exception>
    void Decode(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, Span<byte> destination);

    /// <summary>
    /// Fills the missing shards in place from the present ones (all equal length). With
    /// <paramref name="dataOnly"/>, only missing shards 0..k-1 are rebuilt and missing parity shards are left as they are.
    /// </summary>
    /// <exception cref="TooManyErasuresException">fewer than k shards are present.</exception>
    void Reconstruct(ReadOnlySpan<Memory<byte>> shards, ReadOnlySpan<bool> present, bool dataOnly = false);

    /// <summary>True when every redundancy byte matches the data (for scrubbing). All shards must be present.</summary>
    bool Verify(ReadOnlySpan<ReadOnlyMemory<byte>> shards);
}
