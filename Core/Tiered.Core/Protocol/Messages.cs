using MessagePack;

namespace Tiered.Protocol;

// The MessagePack headers of the frames (see FrameOpcode). Integer keys keep them small; new fields get new
// keys so older peers ignore them.

/// <summary>Why a request failed.</summary>
[MessagePackObject]
public sealed record ErrorHeader
{
    [Key(0)] public int Code { get; init; }
    [Key(1)] public string Message { get; init; } = "";
}

/// <summary>A node introducing itself after dialling back with the token from its invocation.</summary>
[MessagePackObject]
public sealed record NodeHello
{
    [Key(0)] public string NodeId { get; init; } = "";
    [Key(1)] public byte[] Token { get; init; } = [];
    /// <summary>The platform instance the node runs in; the same id on a later dial-back means the chunks are still there.</summary>
    [Key(2)] public string InstanceId { get; init; } = "";
    [Key(3)] public int ChunkCount { get; init; }
    [Key(4)] public long StoredBytes { get; init; }
    [Key(5)] public long MemoryBytes { get; init; }
}

/// <summary>The proxy accepting a node.</summary>
[MessagePackObject]
public sealed record NodeWelcome
{
    [Key(0)] public string ProxyId { get; init; } = "";
}

/// <summary>Names one chunk: the object's key, its version, and the chunk's index among the k+r.</summary>
[MessagePackObject]
public sealed record ChunkKey
{
    [Key(0)] public string Key { get; init; } = "";
    [Key(1)] public long Version { get; init; }
    [Key(2)] public int Index { get; init; }
}

/// <summary>A chunk's identity and checksum (the payload holds its bytes).</summary>
[MessagePackObject]
public sealed record ChunkHeader
{
    [Key(0)] public string Key { get; init; } = "";
    [Key(1)] public long Version { get; init; }
    [Key(2)] public int Index { get; init; }
    [Key(3)] public ulong Checksum { get; init; }
}

/// <summary>A request succeeded; <see cref="Value"/> carries a count or flag where the request has one.</summary>
[MessagePackObject]
public sealed record AckHeader
{
    [Key(0)] public long Value { get; init; }
}

/// <summary>One chunk of an object a client is storing. All chunks of one put share <see cref="PutId"/>.</summary>
[MessagePackObject]
public sealed record PutChunkHeader
{
    [Key(0)] public string Key { get; init; } = "";
    [Key(1)] public byte[] PutId { get; init; } = [];
    [Key(2)] public int Index { get; init; }
    [Key(3)] public int DataShards { get; init; }
    [Key(4)] public int TotalShards { get; init; }
    [Key(5)] public long ObjectLength { get; init; }
    [Key(6)] public string Codec { get; init; } = "";
    [Key(7)] public ulong Checksum { get; init; }
    /// <summary>Time to live in milliseconds from the commit; 0 = until evicted.</summary>
    [Key(8)] public long TimeToLiveMs { get; init; }
    /// <summary>Store only if the key is absent (NX) or only if present (XX).</summary>
    [Key(9)] public PutCondition Condition { get; init; }
}

/// <summary>When a PUT may replace what is there (Redis SET's NX and XX).</summary>
public enum PutCondition
{
    Always = 0,
    /// <summary>Only if the key holds no object.</summary>
    IfAbsent = 1,
    /// <summary>Only if the key already holds an object.</summary>
    IfPresent = 2,
}

/// <summary>Sets (TimeToLiveMs &gt; 0) or clears (0) an object's expiry.</summary>
[MessagePackObject]
public sealed record ExpireRequest
{
    [Key(0)] public string Key { get; init; } = "";
    [Key(1)] public long TimeToLiveMs { get; init; }
}

/// <summary>The object is stored; readers now see this version.</summary>
[MessagePackObject]
public sealed record PutResult
{
    [Key(0)] public string Key { get; init; } = "";
    [Key(1)] public long Version { get; init; }
    /// <summary>False when the put's condition did not hold and nothing changed.</summary>
    [Key(2)] public bool Stored { get; init; } = true;
}

[MessagePackObject]
public sealed record GetRequest
{
    [Key(0)] public string Key { get; init; } = "";
}

/// <summary>What a client needs to decode the chunks that follow.</summary>
[MessagePackObject]
public sealed record ObjectHeader
{
    [Key(0)] public string Key { get; init; } = "";
    [Key(1)] public long Version { get; init; }
    [Key(2)] public long ObjectLength { get; init; }
    [Key(3)] public string Codec { get; init; } = "";
    [Key(4)] public int ShardLength { get; init; }
    [Key(5)] public int DataShards { get; init; }
    [Key(6)] public int TotalShards { get; init; }
    /// <summary>Milliseconds until the object expires, or -1 when it does not.</summary>
    [Key(7)] public long TimeToLiveMs { get; init; } = -1;
}

[MessagePackObject]
public sealed record DeleteRequest
{
    [Key(0)] public string Key { get; init; } = "";
}

/// <summary>Named counters of a proxy.</summary>
[MessagePackObject]
public sealed record StatsReplyHeader
{
    [Key(0)] public Dictionary<string, long> Counters { get; init; } = [];
}

/// <summary>How many chunks a <see cref="FrameOpcode.ChunkList"/> payload lists.</summary>
[MessagePackObject]
public sealed record ChunkListHeader
{
    [Key(0)] public int Count { get; init; }
}
