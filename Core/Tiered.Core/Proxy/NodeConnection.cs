using System.Collections.Concurrent;
using Tiered.Protocol;

namespace Tiered.Proxy;

/// <summary>
/// The proxy's side of one node's dial-back connection: chunk requests are multiplexed by request id and a
/// reader loop completes them as the node answers (chunk payloads land in pooled buffers).
/// </summary>
internal sealed class NodeConnection : IAsyncDisposable
{
    private readonly FrameConnection _connection;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<NodeReply>> _pending = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private int _nextRequest;

    public NodeConnection(string nodeId, string instanceId, FrameConnection connection)
    {
        NodeId = nodeId;
        InstanceId = instanceId;
        _connection = connection;
    }

    public string NodeId { get; }
    public string InstanceId { get; }
    public bool IsOpen => !_closed.Task.IsCompleted;
    public Task Closed => _closed.Task;

    /// <summary>Why the connection ended: "bye" when the node returned normally.</summary>
    public string? CloseReason { get; private set; }

    public void Start() => _ = Task.Run(ReadLoopAsync);

    public async Task StoreAsync(ChunkHeader header, ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        using var reply = await SendAsync(FrameOpcode.SetChunk, header, data, cancellationToken).ConfigureAwait(false);
        if (reply.Opcode != FrameOpcode.Ack)
            throw new NodeRequestException(NodeId, $"storing {header.Key}#{header.Index} failed: {reply.Error ?? reply.Opcode.ToString()}", code: reply.ErrorCode);
    }

    /// <summary>The chunk's header and bytes (the caller disposes the reply), or null when the node does not hold it.</summary>
    public async Task<NodeReply?> GetAsync(ChunkKey key, CancellationToken cancellationToken)
    {
        var reply = await SendAsync(FrameOpcode.GetChunk, key, default, cancellationToken).ConfigureAwait(false);
        if (reply.Opcode == FrameOpcode.ChunkData) return reply;
        reply.Dispose();
        if (reply.Opcode == FrameOpcode.NotFound) return null;
        throw new NodeRequestException(NodeId, $"fetching {key.Key}#{key.Index} failed: {reply.Error ?? reply.Opcode.ToString()}");
    }

    public async Task<bool> DeleteAsync(ChunkKey key, CancellationToken cancellationToken)
    {
        using var reply = await SendAsync(FrameOpcode.DeleteChunk, key, default, cancellationToken).ConfigureAwait(false);
        return reply.Opcode == FrameOpcode.Ack && reply.Value == 1;
    }

    /// <summary>Every chunk the instance holds (key, version, index and the checksum it was stored with).</summary>
    public async Task<ChunkHeader[]> ListChunksAsync(CancellationToken cancellationToken)
    {
        using var reply = await SendAsync<object?>(FrameOpcode.ListChunks, null, default, cancellationToken).ConfigureAwait(false);
        if (reply.Opcode != FrameOpcode.ChunkList || reply.Payload is null)
            throw new NodeRequestException(NodeId, $"listing its chunks failed: {reply.Error ?? reply.Opcode.ToString()}", code: reply.ErrorCode);
        return WireSerializer.Deserialize<ChunkHeader[]>(reply.Payload.Memory, FrameOpcode.ChunkList);
    }

    /// <summary>Whether the node still holds the chunk with bytes matching its checksum (null: it does not hold it).</summary>
    public async Task<bool?> VerifyAsync(ChunkKey key, CancellationToken cancellationToken)
    {
        using var reply = await SendAsync(FrameOpcode.VerifyChunk, key, default, cancellationToken).ConfigureAwait(false);
        return reply.Opcode switch
        {
            FrameOpcode.NotFound => null,
            FrameOpcode.Ack => reply.Value == 1,
            _ => throw new NodeRequestException(NodeId, $"verifying {key.Key}#{key.Index} failed: {reply.Error ?? reply.Opcode.ToString()}", code: reply.ErrorCode),
        };
    }

    /// <summary>A round trip that also restarts the node's idle timer (keeps it from returning).</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        using var reply = await SendAsync<object?>(FrameOpcode.Ping, null, default, cancellationToken).ConfigureAwait(false);
    }

    private async Task<NodeReply> SendAsync<THeader>(FrameOpcode opcode, THeader header, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (!IsOpen) throw new NodeRequestException(NodeId, $"the connection is closed ({CloseReason}).");
        uint id = (uint)Interlocked.Increment(ref _nextRequest);
        var completion = new TaskCompletionSource<NodeReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            await _connection.WriteFrameAsync(opcode, id, header, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            _pending.TryRemove(id, out _);
            Close($"write failed: {e.Message}");
            throw new NodeRequestException(NodeId, "the connection failed while sending.", e);
        }
        using (cancellationToken.Register(() => { if (_pending.TryRemove(id, out var c)) c.TrySetCanceled(cancellationToken); }))
            return await completion.Task.ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        string reason = "closed by the node";
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var frame = await _connection.ReadFrameAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null) break;
                if (frame.Opcode == FrameOpcode.Bye) { reason = "bye"; break; }
                if (frame.Opcode == FrameOpcode.Ping)
                {
                    await _connection.WriteFrameAsync(FrameOpcode.Pong, frame.RequestId).ConfigureAwait(false);
                    continue;
                }
                var reply = frame.Opcode switch
                {
                    FrameOpcode.ChunkData => new NodeReply(frame.Opcode, frame.ReadHeader<ChunkHeader>(), await _connection.ReadPayloadAsync(_stop.Token).ConfigureAwait(false)),
                    FrameOpcode.ChunkList => new NodeReply(frame.Opcode, payload: await _connection.ReadPayloadAsync(_stop.Token).ConfigureAwait(false)),
                    FrameOpcode.Ack => NodeReply.AckOf(frame.ReadHeader<AckHeader>().Value),
                    FrameOpcode.NotFound => NodeReply.Simple(FrameOpcode.NotFound),
                    FrameOpcode.Pong => NodeReply.Simple(FrameOpcode.Pong),
                    FrameOpcode.Error => NodeReply.ErrorOf(frame.ReadHeader<ErrorHeader>()),
                    _ => throw new ProtocolException(ProtocolErrorCode.UnknownOpcode, $"A node may not send {frame.Opcode} frames."),
                };
                if (frame.RequestId == 0 && frame.Opcode == FrameOpcode.Error) { reason = $"node error: {reply.Error}"; reply.Dispose(); break; }
                if (_pending.TryRemove(frame.RequestId, out var completion)) completion.TrySetResult(reply);
                else reply.Dispose();
            }
        }
        catch (ProtocolException e)
        {
            reason = $"protocol error: {e.Message}";
            try { await _connection.WriteErrorAsync(0, e.Code, e.Message).ConfigureAwait(false); } catch (Exception) { }
        }
        catch (OperationCanceledException)
        {
            reason = "closed by the proxy";
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            reason = $"connection lost: {e.Message}";
        }
        Close(reason);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private void Close(string reason)
    {
        CloseReason ??= reason;
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var completion))
                completion.TrySetException(new NodeRequestException(NodeId, $"the connection ended ({reason})."));
        _closed.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        Close("closed by the proxy");
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>A node's answer to one request; a chunk's bytes are in a pooled buffer released by Dispose.</summary>
internal sealed class NodeReply(FrameOpcode opcode, ChunkHeader? chunk = null, PooledBuffer? payload = null, long value = 0, string? error = null, ProtocolErrorCode? errorCode = null) : IDisposable
{
    public ProtocolErrorCode? ErrorCode { get; } = errorCode;
    public FrameOpcode Opcode { get; } = opcode;
    public ChunkHeader? Chunk { get; } = chunk;
    public PooledBuffer? Payload { get; } = payload;
    public long Value { get; } = value;
    public string? Error { get; } = error;

    public static NodeReply Simple(FrameOpcode opcode) => new(opcode);
    public static NodeReply AckOf(long value) => new(FrameOpcode.Ack, value: value);
    public static NodeReply ErrorOf(ErrorHeader error) => new(FrameOpcode.Error, error: error.Message, errorCode: (ProtocolErrorCode)error.Code);

    public void Dispose() => Payload?.Dispose();
}
