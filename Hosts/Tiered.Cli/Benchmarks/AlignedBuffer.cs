using System.Buffers;
using System.Runtime.InteropServices;

namespace Tiered.Cli.Benchmarks;

/// <summary>
/// A 64-byte aligned native buffer (<see cref="NativeMemory.AlignedAlloc"/>) that is also a <see cref="Memory{T}"/>,
/// so Tiered's codecs and ISA-L work on the very same bytes. Pinning is free (the memory never moves).
/// </summary>
internal sealed unsafe class AlignedBuffer : MemoryManager<byte>
{
    public const int Alignment = 64;

    private byte* _pointer;
    private readonly int _length;

    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _length = length;
        _pointer = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1), Alignment);
        new Span<byte>(_pointer, length).Clear();
    }

    public byte* Pointer => _pointer != null ? _pointer : throw new ObjectDisposedException(nameof(AlignedBuffer));
    public int Length => _length;
    public Span<byte> Span => new(Pointer, _length);

    public override Span<byte> GetSpan() => Span;
    public override MemoryHandle Pin(int elementIndex = 0) => new(Pointer + elementIndex);
    public override void Unpin() { }

    protected override void Dispose(bool disposing)
    {
        if (_pointer == null) return;
        NativeMemory.AlignedFree(_pointer);
        _pointer = null;
    }
}
