using System.Buffers;

namespace Tiered.Protocol;

/// <summary>An array rented from <see cref="ArrayPool{T}.Shared"/> with the length in use; Dispose returns it.</summary>
public sealed class PooledBuffer : IMemoryOwner<byte>
{
    private byte[]? _array;

    private PooledBuffer(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public static PooledBuffer Empty { get; } = new([], 0);

    public static PooledBuffer Rent(int length) =>
        length == 0 ? new PooledBuffer([], 0) : new PooledBuffer(ArrayPool<byte>.Shared.Rent(length), length);

    /// <summary>Rents a buffer and copies <paramref name="source"/> into it.</summary>
    public static PooledBuffer CopyOf(ReadOnlySpan<byte> source)
    {
        var buffer = Rent(source.Length);
        source.CopyTo(buffer.Span);
        return buffer;
    }

    public int Length { get; }

    public Memory<byte> Memory => (_array ?? throw new ObjectDisposedException(nameof(PooledBuffer))).AsMemory(0, Length);
    public Span<byte> Span => Memory.Span;

    public void Dispose()
    {
        var array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 }) ArrayPool<byte>.Shared.Return(array);
    }
}
