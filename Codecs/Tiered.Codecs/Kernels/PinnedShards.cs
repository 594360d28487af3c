using System.Buffers;

namespace Tiered.Codecs.Kernels;

/// <summary>Pins a list of shard buffers and writes their addresses into a caller-provided pointer array.</summary>
internal unsafe ref struct PinnedShards
{
    private MemoryHandle[]? _handles;
    private int _count;

    public static PinnedShards Pin(ReadOnlySpan<Memory<byte>> shards, byte** pointers)
    {
        var pins = new PinnedShards { _handles = ArrayPool<MemoryHandle>.Shared.Rent(shards.Length) };
        for (int i = 0; i < shards.Length; i++)
        {
            pins._handles[i] = shards[i].Pin();
            pins._count = i + 1;
            pointers[i] = (byte*)pins._handles[i].Pointer;
        }
        return pins;
    }

    /// <summary>Pins only the shards flagged present; the others' pointers are null.</summary>
    public static PinnedShards Pin(ReadOnlySpan<ReadOnlyMemory<byte>> shards, ReadOnlySpan<bool> present, byte** pointers)
    {
        var pins = new PinnedShards { _handles = ArrayPool<MemoryHandle>.Shared.Rent(shards.Length) };
        for (int i = 0; i < shards.Length; i++)
        {
            pins._handles[i] = present.IsEmpty || present[i] ? shards[i].Pin() : default;
            pins._count = i + 1;
            pointers[i] = (byte*)pins._handles[i].Pointer;
        }
        return pins;
    }

    public void Dispose()
    {
        if (_handles is null) return;
        for (int i = 0; i < _count; i++) _handles[i].Dispose();
        ArrayPool<MemoryHandle>.Shared.Return(_handles, clearArray: true);
        _handles = null;
    }
}
