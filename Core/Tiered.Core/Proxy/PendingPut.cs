namespace Tiered.Proxy;

/// <summary>An object whose chunks are arriving: its version and nodes are fixed by the first chunk.</summary>
internal sealed class PendingPut(string key, byte[] putId, long version, string codec, long objectLength, int shardLength, int dataShards, string[] nodes, DateTimeOffset started,
    long timeToLiveMs, Tiered.Protocol.PutCondition condition)
{
    private readonly ulong[] _checksums = new ulong[nodes.Length];
    private readonly bool[] _stored = new bool[nodes.Length];
    private readonly Lock _lock = new();
    private int _storedCount;

    public string Key { get; } = key;
    public byte[] PutId { get; } = putId;
    public long Version { get; } = version;
    public string Codec { get; } = codec;
    public long ObjectLength { get; } = objectLength;
    public int ShardLength { get; } = shardLength;
    public int DataShards { get; } = dataShards;
    public string[] Nodes { get; } = nodes;
    public DateTimeOffset Started { get; } = started;
    public bool Failed { get; private set; }
    public long TimeToLiveMs { get; } = timeToLiveMs;
    public Tiered.Protocol.PutCondition Condition { get; } = condition;

    /// <summary>Records a stored chunk; returns the complete entry when it was the last one.</summary>
    public ObjectEntry? MarkStored(int index, ulong checksum)
    {
        lock (_lock)
        {
            if (Failed || _stored[index]) return null;
            _stored[index] = true;
            _checksums[index] = checksum;
            if (++_storedCount < Nodes.Length) return null;
            return new ObjectEntry(Key, Version, ObjectLength, Codec, ShardLength, DataShards, Nodes.Length, Nodes, (ulong[])_checksums.Clone());
        }
    }

    /// <summary>Marks the put failed; returns the chunks already stored (to delete), once.</summary>
    public int[] Fail()
    {
        lock (_lock)
        {
            if (Failed) return [];
            Failed = true;
            return Enumerable.Range(0, Nodes.Length).Where(i => _stored[i]).ToArray();
        }
    }
}
