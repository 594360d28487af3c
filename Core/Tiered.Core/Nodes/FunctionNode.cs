using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Nodes;

/// <summary>
/// What runs inside a function instance. Each invocation dials back to the proxy named in its payload,
/// presents its one-time token, and serves chunk commands from the instance's <see cref="ChunkStore"/> until it
/// has been idle for the invocation's idle timeout or the platform's deadline nears; then it says goodbye and
/// returns (billing stops). The store lives in this object, which the platform keeps for the instance's life,
/// so chunks survive between invocations of a warm instance.
/// </summary>
public sealed partial class FunctionNode(FunctionNodeOptions? options = null, TimeProvider? timeProvider = null, ILogger<FunctionNode>? logger = null) : IFunctionHandler
{
    private readonly FunctionNodeOptions _options = options ?? new FunctionNodeOptions();
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ILogger _logger = logger ?? NullLogger<FunctionNode>.Instance;
    private ChunkStore? _store;

    /// <summary>The instance's chunks (null until the first invocation tells the node its memory size).</summary>
    public ChunkStore? Store => _store;

    public async Task<ReadOnlyMemory<byte>> HandleAsync(ReadOnlyMemory<byte> payload, FunctionContext context, CancellationToken cancellationToken)
    {
        var invocation = NodeInvocation.FromJson(payload.Span);
        var store = _store ??= new ChunkStore(Math.Max(1, (long)(context.MemoryBytes * _options.StorageFraction)));
        int served = 0;
        string outcome;

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var untilDeadline = context.Deadline - _time.GetUtcNow() - _options.DeadlineMargin;
        if (invocation.SessionLimit is { } limit && limit > TimeSpan.Zero && limit < untilDeadline) untilDeadline = limit;
        if (untilDeadline <= TimeSpan.Zero)
            return Summary(invocation, context, store, "deadline-too-close", 0);
        using var deadline = new CancellationTokenSource(untilDeadline, _time);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token, deadline.Token);

        FrameConnection connection;
        try
        {
            EndPoint proxy = IPAddress.TryParse(invocation.ProxyHost, out var address)
                ? new IPEndPoint(address, invocation.ProxyPort)
                : new DnsEndPoint(invocation.ProxyHost, invocation.ProxyPort);
            connection = await FrameConnection.ConnectAsync(proxy, cancellationToken: stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            LogDialFailed(invocation.NodeId, invocation.ProxyHost, invocation.ProxyPort, e.Message);
            return Summary(invocation, context, store, "dial-failed", 0);
        }

        await using (connection.ConfigureAwait(false))
        {
            try
            {
                if (!await HandshakeAsync(connection, invocation, context, store, stop.Token).ConfigureAwait(false))
                    return Summary(invocation, context, store, "refused", 0);
                (outcome, served) = await ServeAsync(connection, store, invocation.IdleTimeout, deadline, stop.Token).ConfigureAwait(false);
            }
            catch (ProtocolException e)
            {
                LogProtocolError(invocation.NodeId, e.Code, e.Message);
                await TrySendErrorAsync(connection, e).ConfigureAwait(false);
                outcome = "protocol-error";
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                outcome = "connection-lost";
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                outcome = "cancelled";
            }
            catch (OperationCanceledException)
            {
                // The proxy never welcomed us (HandshakeTimeout) or the deadline came first.
                outcome = deadline.IsCancellationRequested ? "deadline" : "handshake-timeout";
            }
        }
        return Summary(invocation, context, store, outcome, served);
    }

    private async Task<bool> HandshakeAsync(FrameConnection connection, NodeInvocation invocation, FunctionContext context, ChunkStore store, CancellationToken cancellationToken)
    {
        await connection.WriteFrameAsync(FrameOpcode.Hello, 0, new NodeHello
        {
            NodeId = invocation.NodeId,
            Token = invocation.Token,
            InstanceId = context.InstanceId,
            ChunkCount = store.Count,
            StoredBytes = store.Bytes,
            MemoryBytes = store.CapacityBytes,
        }, default, cancellationToken).ConfigureAwait(false);

        using var handshake = new TimeoutScope(TimeProvider.System, _options.HandshakeTimeout, cancellationToken);
        using var reply = await connection.ReadFrameAsync(handshake.Token).ConfigureAwait(false);
        if (reply is null) return false;
        await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
        if (reply.Opcode == FrameOpcode.Welcome) return true;
        if (reply.Opcode == FrameOpcode.Error)
        {
            var error = reply.ReadHeader<ErrorHeader>();
            LogRefused(invocation.NodeId, error.Message);
            return false;
        }
        throw new ProtocolException(ProtocolErrorCode.UnknownOpcode, $"Expected Welcome after Hello but got {reply.Opcode}.");
    }

    private async Task<(string Outcome, int Served)> ServeAsync(FrameConnection connection, ChunkStore store, TimeSpan idleTimeout, CancellationTokenSource deadline, CancellationToken stop)
    {
        int served = 0;
        while (true)
        {
            using var idle = new TimeoutScope(_time, idleTimeout <= TimeSpan.Zero ? Timeout.InfiniteTimeSpan : idleTimeout, stop);
            ReceivedFrame? frame;
            try
            {
                frame = await connection.ReadFrameAsync(idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!stop.IsCancellationRequested || deadline.IsCancellationRequested)
            {
                // Idle, or the deadline is near: say goodbye so the proxy re-invokes when it needs us.
                await TryWriteByeAsync(connection).ConfigureAwait(false);
                return (deadline.IsCancellationRequested ? "deadline" : "idle", served);
            }
            if (frame is null) return ("proxy-closed", served);
            using (frame)
            {
                served++;
                await ServeOneAsync(connection, store, frame, stop).ConfigureAwait(false);
            }
        }
    }

    private static async Task ServeOneAsync(FrameConnection connection, ChunkStore store, ReceivedFrame frame, CancellationToken cancellationToken)
    {
        switch (frame.Opcode)
        {
            case FrameOpcode.SetChunk:
            {
                var header = frame.ReadHeader<ChunkHeader>();
                var data = GC.AllocateUninitializedArray<byte>(frame.PayloadLength);
                await connection.ReadPayloadAsync(data, cancellationToken).ConfigureAwait(false);
                if (!ChunkChecksum.Matches(data, header.Checksum))
                {
                    await connection.WriteErrorAsync(frame.RequestId, ProtocolErrorCode.Rejected, $"Chunk {header.Key}#{header.Index} does not match its checksum.", cancellationToken).ConfigureAwait(false);
                    return;
                }
                if (!store.TryPut(header.Key, header.Version, header.Index, new StoredChunk(data, header.Checksum)))
                {
                    await connection.WriteErrorAsync(frame.RequestId, ProtocolErrorCode.NodeFull, $"Node memory is full ({store.Bytes} of {store.CapacityBytes} bytes used).", cancellationToken).ConfigureAwait(false);
                    return;
                }
                await connection.WriteFrameAsync(FrameOpcode.Ack, frame.RequestId, new AckHeader { Value = data.Length }, default, cancellationToken).ConfigureAwait(false);
                return;
            }
            case FrameOpcode.GetChunk:
            {
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                var key = frame.ReadHeader<ChunkKey>();
                if (!store.TryGet(key.Key, key.Version, key.Index, out var chunk))
                {
                    await connection.WriteFrameAsync(FrameOpcode.NotFound, frame.RequestId, key, default, cancellationToken).ConfigureAwait(false);
                    return;
                }
                var header = new ChunkHeader { Key = key.Key, Version = key.Version, Index = key.Index, Checksum = chunk.Checksum };
                await connection.WriteFrameAsync(FrameOpcode.ChunkData, frame.RequestId, header, chunk.Data, cancellationToken).ConfigureAwait(false);
                return;
            }
            case FrameOpcode.DeleteChunk:
            {
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                var key = frame.ReadHeader<ChunkKey>();
                bool removed = store.Remove(key.Key, key.Version, key.Index);
                await connection.WriteFrameAsync(FrameOpcode.Ack, frame.RequestId, new AckHeader { Value = removed ? 1 : 0 }, default, cancellationToken).ConfigureAwait(false);
                return;
            }
            case FrameOpcode.ListChunks:
            {
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                var list = store.Enumerate()
                    .Select(c => new ChunkHeader { Key = c.Id.Key, Version = c.Id.Version, Index = c.Id.Index, Checksum = c.Chunk.Checksum })
                    .ToArray();
                var payload = new System.Buffers.ArrayBufferWriter<byte>(64 + list.Length * 48);
                WireSerializer.Serialize(payload, list);
                await connection.WriteFrameAsync(FrameOpcode.ChunkList, frame.RequestId, new ChunkListHeader { Count = list.Length }, payload.WrittenMemory, cancellationToken).ConfigureAwait(false);
                return;
            }
            case FrameOpcode.VerifyChunk:
            {
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                var key = frame.ReadHeader<ChunkKey>();
                if (!store.TryGet(key.Key, key.Version, key.Index, out var chunk))
                {
                    await connection.WriteFrameAsync(FrameOpcode.NotFound, frame.RequestId, key, default, cancellationToken).ConfigureAwait(false);
                    return;
                }
                bool intact = ChunkChecksum.Matches(chunk.Data, chunk.Checksum);
                await connection.WriteFrameAsync(FrameOpcode.Ack, frame.RequestId, new AckHeader { Value = intact ? 1 : 0 }, default, cancellationToken).ConfigureAwait(false);
                return;
            }
            case FrameOpcode.Ping:
                await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
                await connection.WriteFrameAsync(FrameOpcode.Pong, frame.RequestId, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new ProtocolException(ProtocolErrorCode.UnknownOpcode, $"A node does not accept {frame.Opcode} frames.");
        }
    }

    private static async Task TryWriteByeAsync(FrameConnection connection)
    {
        try { await connection.WriteFrameAsync(FrameOpcode.Bye, 0).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
    }

    private static async Task TrySendErrorAsync(FrameConnection connection, ProtocolException error)
    {
        try { await connection.WriteErrorAsync(0, error.Code, error.Message).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException) { }
    }

    private static ReadOnlyMemory<byte> Summary(NodeInvocation invocation, FunctionContext context, ChunkStore store, string outcome, int served) =>
        new NodeInvocationSummary
        {
            NodeId = invocation.NodeId,
            InstanceId = context.InstanceId,
            Outcome = outcome,
            CommandsServed = served,
            ChunksHeld = store.Count,
            BytesHeld = store.Bytes,
        }.ToJson();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} could not dial back to {Host}:{Port}: {Reason}")]
    private partial void LogDialFailed(string nodeId, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} was refused by the proxy: {Reason}")]
    private partial void LogRefused(string nodeId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Node {NodeId} closed its connection after a protocol error {Code}: {Reason}")]
    private partial void LogProtocolError(string nodeId, ProtocolErrorCode code, string reason);
}
