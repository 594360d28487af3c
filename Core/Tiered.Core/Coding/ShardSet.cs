using System.Buffers;

namespace Tiered.Coding;

/// <summary>
/// k+r shard buffers of one length rented from <see cref="ArrayPool{T}.Shared"/>, with a presence flag per
/// shard. Dispose returns the buffers; the set must not be used afterwards.
/// </summary>
public sealed class ShardSet : IDisposable
{
    private readonly byte[][] _buffers;
    private readonly Memory<byte>[] _shards;
    private readonly ReadOnlyMemory<byte>[] _readOnlyShards;
    private readonly bool[] _present;
    private bool _disposed;

    private ShardSet(int count, int shardLength, long objectLength)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "A shard set needs at least one shard.");
        if (shardLength < 0) throw new ArgumentOutOfRangeException(nameof(shardLength), shardLength, "A shard length cannot be negative.");
        _buffers = new byte[count][];
        _shards = new Memory<byte>[count];
        _readOnlyShards = new ReadOnlyMemory<byte>[count];
        _present = new bool[count];
        for (int i = 0; i < count; i++)
        {
            _buffers[i] = shardLength == 0 ? [] : ArrayPool<byte>.Shared.Rent(shardLength);
            _shards[i] = _buffers[i].AsMemory(0, shardLength);
            _readOnlyShards[i] = _shards[i];
            _present[i] = true;
        }
        ShardLength = shardLength;
        ObjectLength = objectLength;
    }

    /// <summary>Rents <paramref name="count"/> shards of <paramref name="shardLength"/> bytes, all flagged present.</summary>
    public static ShardSet Rent(int count, int shardLength) => new(count, shardLength, -1);

    /// <summary>Rents the k+r shards <paramref name="codec"/> makes from an object of <paramref name="objectLength"/> bytes.</summary>
    public static ShardSet Rent(IErasureCodec codec, long objectLength)
    {
        ShardArguments.ValidateObjectLength(codec, objectLength);
        return new(codec.TotalShards, codec.ShardSize(objectLength), objectLength);
    }

    public int Count => _shards.Length;
    public int ShardLength { get; }

    /// <summary>The length of the object these shards encode, or -1 when unknown.</summary>
    public long ObjectLength { get; set; }

    public Memory<byte> this[int index] { get { ThrowIfDisposed(); return _shards[index]; } }

    public ReadOnlySpan<Memory<byte>> Shards { get { ThrowIfDisposed(); return _shards; } }
    public ReadOnlySpan<ReadOnlyMemory<byte>> ReadOnlyShards { get { ThrowIfDisposed(); return _readOnlyShards; } }

    /// <summary>One flag per shard; false marks a shard as missing (its content is then ignored).</summary>
    public Span<bool> Present { get { ThrowIfDisposed(); return _present; } }

    public int PresentCount => _present.Count(p => p);

    public void MarkMissing(int index) => _present[index] = false;

    public void MarkAllPresent() => Array.Fill(_present, true);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (byte[] buffer in _buffers)
            if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
