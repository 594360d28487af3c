using Tiered.Protocol;

namespace Tiered.Client;

/// <summary>An object read from the tier, held in a pooled buffer until disposed.</summary>
public sealed class TierValue : IDisposable
{
    private readonly PooledBuffer _buffer;

    internal TierValue(PooledBuffer buffer, long version)
    {
        _buffer = buffer;
        Version = version;
    }

    /// <summary>The version the proxy assigned when the object was stored.</summary>
    public long Version { get; }

    public int Length => _buffer.Length;
    public ReadOnlyMemory<byte> Memory => _buffer.Memory;
    public ReadOnlySpan<byte> Span => _buffer.Span;

    public byte[] ToArray() => _buffer.Span.ToArray();

    /// <summary>A read-only stream over the bytes (valid until the value is disposed).</summary>
    public Stream AsStream() => new MemoryStream(System.Runtime.InteropServices.MemoryMarshal.TryGetArray<byte>(_buffer.Memory, out var segment)
        ? segment.Array! : _buffer.Span.ToArray(), segment.Offset, Length, writable: false);

    public void Dispose() => _buffer.Dispose();
}
