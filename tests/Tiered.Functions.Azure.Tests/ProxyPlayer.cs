using System.Net;
using System.Net.Sockets;
using Tiered.Nodes;
using Tiered.Protocol;

namespace Tiered.Functions.Azure.Tests;

/// <summary>
/// A <see cref="TcpListener"/> on 127.0.0.1 playing the proxy's node port: the test accepts the node's dial-back, reads its
/// Hello with Core's <see cref="FrameConnection"/>, welcomes it and sends chunk commands.
/// </summary>
internal sealed class ProxyPlayer : IDisposable
{
    /// <summary>Hang guard for one step (real time, generous: the machine is slow); never a timing assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(2);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public ProxyPlayer() => _listener.Start();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The body of a node invocation dialling back here.</summary>
    public byte[] Payload(string nodeId = "tiered-node-007", byte[]? token = null, TimeSpan? idleTimeout = null) => new NodeInvocation
    {
        ProxyHost = "127.0.0.1",
        ProxyPort = Port,
        NodeId = nodeId,
        Token = token ?? [1, 2, 3, 4],
        IdleTimeout = idleTimeout ?? TimeSpan.FromSeconds(30),
    }.ToJson();

    /// <summary>Accepts the next dial-back and reads its Hello.</summary>
    public async Task<(FrameConnection Connection, NodeHello Hello)> AcceptAsync()
    {
        var socket = await _listener.AcceptSocketAsync().WaitAsync(Patience);
        var connection = FrameConnection.FromSocket(socket);
        using var frame = await connection.ReadFrameAsync().AsTask().WaitAsync(Patience);
        Assert.NotNull(frame);
        Assert.Equal(FrameOpcode.Hello, frame.Opcode);
        await connection.SkipPayloadAsync();
        return (connection, frame.ReadHeader<NodeHello>());
    }

    public void Dispose() => _listener.Stop();

    /// <summary>A port nothing listens on (a node's dial-back fails at once: "dial-failed").</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Chunk commands as the proxy sends them.</summary>
internal static class NodeCommands
{
    public static async Task<long> SetChunkAsync(this FrameConnection connection, uint requestId, string key, long version, int index, byte[] data)
    {
        var header = new ChunkHeader { Key = key, Version = version, Index = index, Checksum = ChunkChecksum.Compute(data) };
        await connection.WriteFrameAsync(FrameOpcode.SetChunk, requestId, header, data);
        using var reply = await connection.ReadFrameAsync().AsTask().WaitAsync(ProxyPlayer.Patience);
        Assert.NotNull(reply);
        await connection.SkipPayloadAsync();
        Assert.Equal(FrameOpcode.Ack, reply.Opcode);
        Assert.Equal(requestId, reply.RequestId);
        return reply.ReadHeader<AckHeader>().Value;
    }

    /// <summary>The chunk's bytes, or null on NotFound.</summary>
    public static async Task<byte[]?> GetChunkAsync(this FrameConnection connection, uint requestId, string key, long version, int index)
    {
        await connection.WriteFrameAsync(FrameOpcode.GetChunk, requestId, new ChunkKey { Key = key, Version = version, Index = index });
        using var reply = await connection.ReadFrameAsync().AsTask().WaitAsync(ProxyPlayer.Patience);
        Assert.NotNull(reply);
        Assert.Equal(requestId, reply.RequestId);
        if (reply.Opcode == FrameOpcode.NotFound)
        {
            await connection.SkipPayloadAsync();
            return null;
        }
        Assert.Equal(FrameOpcode.ChunkData, reply.Opcode);
        var header = reply.ReadHeader<ChunkHeader>();
        var data = new byte[reply.PayloadLength];
        await connection.ReadPayloadAsync(data);
        Assert.True(ChunkChecksum.Matches(data, header.Checksum));
        return data;
    }

    public static async Task<ChunkHeader[]> ListChunksAsync(this FrameConnection connection, uint requestId)
    {
        await connection.WriteFrameAsync(FrameOpcode.ListChunks, requestId);
        using var reply = await connection.ReadFrameAsync().AsTask().WaitAsync(ProxyPlayer.Patience);
        Assert.NotNull(reply);
        Assert.Equal(FrameOpcode.ChunkList, reply.Opcode);
        var payload = new byte[reply.PayloadLength];
        await connection.ReadPayloadAsync(payload);
        return WireSerializer.Deserialize<ChunkHeader[]>(payload, FrameOpcode.ChunkList);
    }
}
