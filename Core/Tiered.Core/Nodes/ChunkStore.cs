using System.Collections.Concurrent;

namespace Tiered.Nodes;

/// <summary>A stored chunk: its bytes (exactly their length) and checksum.</summary>
public sealed record StoredChunk(byte[] Data, ulong Checksum);

/// <summary>
/// The chunks a function instance holds in memory, bounded by a byte capacity (the instance's memory minus
/// headroom). Keyed by (object key, version, chunk index); a newer version's chunk replaces nothing by itself —
/// the proxy deletes old versions — so readers never mix versions.
/// </summary>
public sealed class ChunkStore(long capacityBytes)
{
    private readonly ConcurrentDictionary<(string Key, long Version, int Index), StoredChunk> _chunks = new();
    private long _bytes;

    public long CapacityBytes { get; } = capacityBytes > 0 ? capacityBytes : throw new ArgumentOutOfRangeException(nameof(capacityBytes), capacityBytes, "A chunk store needs a positive capacity.");
    public long Bytes => Interlocked.Read(ref _bytes);
    public int Count => _chunks.Count;

    /// <summary>Stores a chunk; false (nothing stored) when it would exceed the capacity.</summary>
    public bool TryPut(string key, long version, int index, StoredChunk chunk)
    {
        long size = chunk.Data.Length;
        if (Interlocked.Add(ref _bytes, size) > CapacityBytes)
        {
            Interlocked.Add(ref _bytes, -size);
            return false;
        }
        var slot = (key, version, index);
        StoredChunk? replaced = null;
        _chunks.AddOrUpdate(slot, chunk, (_, old) => { replaced = old; return chunk; });
        if (replaced is not null) Interlocked.Add(ref _bytes, -replaced.Data.Length);
        return true;
    }

    public bool TryGet(string key, long version, int index, out StoredChunk chunk) =>
        _chunks.TryGetValue((key, version, index), out chunk!);

    public bool Remove(string key, long version, int index)
    {
        if (!_chunks.TryRemove((key, version, index), out var chunk)) return false;
        Interlocked.Add(ref _bytes, -chunk.Data.Length);
        return true;
    }

    /// <summary>Every chunk held (for delta-sync backups and tests).</summary>
    public IEnumerable<((string Key, long Version, int Index) Id, StoredChunk Chunk)> Enumerate() =>
        _chunks.Select(pair => (pair.Key, pair.Value));
}
