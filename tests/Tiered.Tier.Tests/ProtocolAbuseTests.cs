using System.Buffers.Binary;
using System.Net.Sockets;
using Tiered.Protocol;
using Tiered.Proxy;
using Xunit;

namespace Tiered.Tier.Tests;

/// <summary>Bad frames and wrong tokens get a protocol error and a closed connection; everyone else is still served.</summary>
public class ProtocolAbuseTests
{
    public static TheoryData<string, byte[], ProtocolErrorCode> BadFrames() => new()
    {
        { "garbage", "GET / HTTP/1.1\r\n\r\n"u8.ToArray(), ProtocolErrorCode.BadMagic },
        { "future version", Prefix(version: 9), ProtocolErrorCode.UnsupportedVersion },
        { "unknown opcode", Prefix(opcode: 200), ProtocolErrorCode.UnknownOpcode },
        { "node opcode from a client", Prefix(opcode: (byte)FrameOpcode.SetChunk), ProtocolErrorCode.UnknownOpcode },
        { "oversized header", Prefix(headerLength: 10 << 20), ProtocolErrorCode.Oversized },
        { "oversized payload", Prefix(payloadLength: int.MaxValue), ProtocolErrorCode.Oversized },
        { "negative length", Prefix(payloadLength: -5), ProtocolErrorCode.Oversized },
        { "malformed header", [.. Prefix(opcode: (byte)FrameOpcode.Get, headerLength: 3), 0xC1, 0xC1, 0xC1], ProtocolErrorCode.MalformedHeader },
    };

    [Theory]
    [MemberData(nameof(BadFrames))]
    public async Task BadClientFrameGetsAnErrorAndCloses(string what, byte[] bytes, ProtocolErrorCode expected)
    {
        await using var tier = TierHarness.Start();
        var value = TierHarness.RandomBytes(10_000, 1);
        await tier.Client.PutAsync("k", value);

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(tier.Proxy.ClientEndPoint);
        await socket.SendAsync(bytes);
        await using var raw = FrameConnection.FromSocket(socket);
        using var reply = await raw.ReadFrameAsync();
        Assert.NotNull(reply);
        Assert.Equal(FrameOpcode.Error, reply.Opcode);
        Assert.Equal((int)expected, reply.ReadHeader<ErrorHeader>().Code);
        Assert.Null(await raw.ReadFrameAsync());

        using var read = await tier.Client.GetAsync("k");
        Assert.True(value.AsSpan().SequenceEqual(read!.Span), $"after a {what} frame the proxy must still serve others");
        Assert.Equal(1, tier.Proxy.Counters[ProxyCounters.ProtocolErrors]);
    }

    [Fact]
    public async Task TruncatedFrameClosesOnlyThatConnection()
    {
        await using var tier = TierHarness.Start();
        using (var socket = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync(tier.Proxy.ClientEndPoint);
            await socket.SendAsync(Prefix(opcode: (byte)FrameOpcode.Get, headerLength: 100).AsMemory(0, 16));
            socket.Shutdown(SocketShutdown.Send);
            var buffer = new byte[64];
            while (await socket.ReceiveAsync(buffer) > 0) { }
        }
        await tier.Client.PutAsync("k", new byte[] { 1, 2, 3 });
        using var read = await tier.Client.GetAsync("k");
        Assert.Equal(new byte[] { 1, 2, 3 }, read!.ToArray());
    }

    [Fact]
    public async Task NodeWithAWrongTokenIsRefused()
    {
        await using var tier = TierHarness.Start();
        await using var impostor = await FrameConnection.ConnectAsync(tier.Proxy.NodeEndPoint);
        await impostor.WriteFrameAsync(FrameOpcode.Hello, 0, new NodeHello { NodeId = "tiered-node-000", Token = new byte[16], InstanceId = "impostor" });
        using var reply = await impostor.ReadFrameAsync();
        Assert.NotNull(reply);
        Assert.Equal(FrameOpcode.Error, reply.Opcode);
        Assert.Equal((int)ProtocolErrorCode.BadToken, reply.ReadHeader<ErrorHeader>().Code);
        Assert.Null(await impostor.ReadFrameAsync());
        Assert.Equal(1, tier.Proxy.Counters[ProxyCounters.RefusedNodes]);

        await tier.Client.PutAsync("k", new byte[] { 4, 5 });
        using var read = await tier.Client.GetAsync("k");
        Assert.Equal(new byte[] { 4, 5 }, read!.ToArray());
    }

    [Fact]
    public async Task ChunkThatDoesNotMatchItsChecksumIsRefused()
    {
        await using var tier = TierHarness.Start();
        await using var raw = await FrameConnection.ConnectAsync(tier.Proxy.ClientEndPoint);
        var payload = new byte[64];
        await raw.WriteFrameAsync(FrameOpcode.PutChunk, 7, new PutChunkHeader
        {
            Key = "k", PutId = new byte[16], Index = 0, DataShards = 10, TotalShards = 12, ObjectLength = 640, Codec = "rs(10,2)", Checksum = 12345,
        }, payload);
        using var reply = await raw.ReadFrameAsync();
        Assert.Equal(FrameOpcode.Error, reply!.Opcode);
        Assert.Equal(7u, reply.RequestId);
        Assert.Contains("checksum", reply.ReadHeader<ErrorHeader>().Message);
        Assert.Equal(0, tier.Proxy.ObjectCount);
    }

    private static byte[] Prefix(byte version = FramePrefix.Version, byte opcode = (byte)FrameOpcode.Get, int headerLength = 0, int payloadLength = 0)
    {
        var bytes = new byte[FramePrefix.Size];
        bytes[0] = (byte)'T';
        bytes[1] = (byte)'R';
        bytes[2] = version;
        bytes[3] = opcode;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), headerLength);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), payloadLength);
        return bytes;
    }
}
