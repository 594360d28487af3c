namespace Tiered.Proxy;

/// <summary>
/// Key → current <see cref="ObjectEntry"/>, in least-recently-used order, bounded by the pool's memory:
/// committing an object evicts the least recently used others until the chunks fit. Replacing an entry is
/// one step under the lock, so a reader sees the old version or the new one, never a mix.
/// </summary>
internal sealed class ObjectDirectory(long capacityBytes)
{
    private readonly Dictionary<string, LinkedListNode<ObjectEntry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<ObjectEntry> _recency = new();
    private readonly Lock _lock = new();
    private long _bytes;

    public long CapacityBytes { get; } = capacityBytes;

    public long Bytes { get { lock (_lock) return _bytes; } }
    public int Count { get { lock (_lock) return _entries.Count; } }

    /// <summary>The current entry, marked most recently used.</summary>
    public ObjectEntry? Get(string key)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value;
        }
    }

    /// <summary>Sets or clears the expiry of the current version; false when the key is absent.</summary>
    public bool SetExpiry(string key, DateTimeOffset? expiresAt)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node)) return false;
            node.Value = node.Value with { ExpiresAt = expiresAt };
            return true;
        }
    }

    /// <summary>Removes and returns every entry expired at <paramref name="now"/>.</summary>
    public IReadOnlyList<ObjectEntry> RemoveExpired(DateTimeOffset now)
    {
        lock (_lock)
        {
            var expired = _recency.Where(e => e.IsExpired(now)).ToList();
            foreach (var entry in expired)
            {
                _recency.Remove(_entries[entry.Key]);
                _entries.Remove(entry.Key);
                _bytes -= entry.StoredBytes;
            }
            return expired;
        }
    }

    /// <summary>The current entry, without touching its recency.</summary>
    public ObjectEntry? Peek(string key)
    {
        lock (_lock) return _entries.TryGetValue(key, out var node) ? node.Value : null;
    }

    /// <summary>Keys from least to most recently used (for tests and stats).</summary>
    public IReadOnlyList<string> KeysByRecency()
    {
        lock (_lock) return _recency.Reverse().Select(e => e.Key).ToArray();
    }

    /// <summary>
    /// Makes <paramref name="entry"/> current unless <paramref name="condition"/> fails (then Stored is false and
    /// nothing changes); returns the version it replaced and the objects evicted to make room. An expired entry
    /// counts as absent.
    /// </summary>
    public (bool Stored, ObjectEntry? Replaced, IReadOnlyList<ObjectEntry> Evicted) Commit(ObjectEntry entry, Tiered.Protocol.PutCondition condition, DateTimeOffset now)
    {
        var evicted = new List<ObjectEntry>();
        ObjectEntry? replaced = null;
        lock (_lock)
        {
            bool present = _entries.TryGetValue(entry.Key, out var existing) && !existing.Value.IsExpired(now);
            if ((condition == Tiered.Protocol.PutCondition.IfAbsent && present) || (condition == Tiered.Protocol.PutCondition.IfPresent && !present))
                return (false, null, evicted);
            if (existing is not null)
            {
                replaced = existing.Value;
                _recency.Remove(existing);
                _bytes -= replaced.StoredBytes;
            }
            while (_bytes + entry.StoredBytes > CapacityBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _bytes -= oldest.Value.StoredBytes;
                evicted.Add(oldest.Value);
            }
            _entries[entry.Key] = _recency.AddFirst(entry);
            _bytes += entry.StoredBytes;
        }
        return (true, replaced, evicted);
    }

    /// <summary>
    /// Evicts least recently used objects that keep a chunk on <paramref name="node"/> (other than
    /// <paramref name="exceptKey"/>) until their chunks there add up to <paramref name="bytes"/>.
    /// </summary>
    public IReadOnlyList<ObjectEntry> EvictFromNode(string node, long bytes, string exceptKey)
    {
        var evicted = new List<ObjectEntry>();
        lock (_lock)
        {
            long freed = 0;
            for (var current = _recency.Last; current is not null && freed < bytes;)
            {
                var previous = current.Previous;
                var entry = current.Value;
                if (entry.Key != exceptKey && Array.IndexOf(entry.Nodes, node) >= 0)
                {
                    _recency.Remove(current);
                    _entries.Remove(entry.Key);
                    _bytes -= entry.StoredBytes;
                    freed += entry.ShardLength;
                    evicted.Add(entry);
                }
                current = previous;
            }
        }
        return evicted;
    }

    /// <summary>Every chunk the directory places on <paramref name="node"/>: the object and the chunk's index.</summary>
    public IReadOnlyList<(ObjectEntry Entry, int Index)> ChunksOn(string node)
    {
        var chunks = new List<(ObjectEntry, int)>();
        lock (_lock)
        {
            foreach (var entry in _recency)
                for (int i = 0; i < entry.Nodes.Length; i++)
                    if (entry.Nodes[i] == node) chunks.Add((entry, i));
        }
        return chunks;
    }

    /// <summary>Every entry, least recently used first (a snapshot; recency is not touched).</summary>
    public IReadOnlyList<ObjectEntry> Snapshot()
    {
        lock (_lock) return _recency.ToArray();
    }

    /// <summary>Removes the key (only if it still holds <paramref name="version"/>, when given).</summary>
    public ObjectEntry? Remove(string key, long? version = null)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out var node) || (version is { } v && node.Value.Version != v)) return null;
            _entries.Remove(key);
            _recency.Remove(node);
            _bytes -= node.Value.StoredBytes;
            return node.Value;
        }
    }
}
