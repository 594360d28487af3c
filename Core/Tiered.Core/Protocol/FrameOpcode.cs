namespace Tiered.Protocol;

/// <summary>What a frame carries. Node frames are below 32, client frames from 32.</summary>
public enum FrameOpcode : byte
{
    /// <summary>Either side: a request failed or the peer broke the protocol (<see cref="ErrorHeader"/>).</summary>
    Error = 1,

    /// <summary>Node → proxy, first frame after dialling back (<see cref="NodeHello"/>).</summary>
    Hello = 2,
    /// <summary>Proxy → node: the token was right, commands follow (<see cref="NodeWelcome"/>).</summary>
    Welcome = 3,
    /// <summary>Node → proxy: the node is returning (idle or deadline near); the connection closes after it.</summary>
    Bye = 4,
    /// <summary>Either side: liveness probe, answered by <see cref="Pong"/>.</summary>
    Ping = 5,
    Pong = 6,

    /// <summary>Proxy → node: store a chunk (<see cref="ChunkHeader"/> + payload), answered by <see cref="Ack"/>.</summary>
    SetChunk = 10,
    /// <summary>Proxy → node: send a chunk (<see cref="ChunkKey"/>), answered by <see cref="ChunkData"/> or <see cref="NotFound"/>.</summary>
    GetChunk = 11,
    /// <summary>Proxy → node: drop a chunk (<see cref="ChunkKey"/>), answered by <see cref="Ack"/>.</summary>
    DeleteChunk = 12,
    /// <summary>A chunk (<see cref="ChunkHeader"/> + payload).</summary>
    ChunkData = 13,
    /// <summary>The requested chunk or object is not there.</summary>
    NotFound = 14,
    /// <summary>A request succeeded (<see cref="AckHeader"/>).</summary>
    Ack = 15,
    /// <summary>Proxy → node: list every chunk held, answered by <see cref="ChunkList"/> (failover reconciliation, delta-sync backup).</summary>
    ListChunks = 16,
    /// <summary>Node → proxy: <see cref="ChunkListHeader"/> + a payload of MessagePack <see cref="ChunkHeader"/>[] (key, version, index, checksum).</summary>
    ChunkList = 17,
    /// <summary>Proxy → node: rehash a stored chunk (<see cref="ChunkKey"/>); <see cref="Ack"/> 1 when intact, 0 when its bytes no longer match, or <see cref="NotFound"/>.</summary>
    VerifyChunk = 18,

    /// <summary>Client → proxy: one chunk of an object being stored (<see cref="PutChunkHeader"/> + payload).</summary>
    PutChunk = 32,
    /// <summary>Proxy → client: the whole object is stored and visible (<see cref="PutResult"/>).</summary>
    PutDone = 33,
    /// <summary>Client → proxy: fetch an object (<see cref="GetRequest"/>); answered by <see cref="ObjectHeader"/> and k <see cref="ChunkData"/>, or <see cref="NotFound"/>.</summary>
    Get = 34,
    /// <summary>Proxy → client: the object's metadata, before its chunks.</summary>
    ObjectHeader = 35,
    /// <summary>Client → proxy: remove an object (<see cref="DeleteRequest"/>), answered by <see cref="Ack"/>.</summary>
    Delete = 36,
    /// <summary>Client → proxy: ask for counters, answered by <see cref="StatsReply"/>.</summary>
    Stats = 37,
    StatsReply = 38,
    /// <summary>Client → proxy: an object's metadata without its chunks (<see cref="GetRequest"/>); answered by <see cref="ObjectHeader"/> or <see cref="NotFound"/>.</summary>
    Head = 39,
    /// <summary>Client → proxy: set or clear an object's time to live (<see cref="ExpireRequest"/>), answered by <see cref="Ack"/> (1 if it exists).</summary>
    Expire = 40,
}
