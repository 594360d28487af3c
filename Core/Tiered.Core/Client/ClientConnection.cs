using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Tiered.Protocol;

namespace Tiered.Client;

/// <summary>
/// One multiplexed connection to a proxy: requests carry ids, and a reader loop hands every response frame
/// to the request it answers (a GET's chunks are read straight into that request's buffers).
/// </summary>
internal sealed class ClientConnection : IAsyncDisposable
{
    private readonly FrameConnection _connection;
    private readonly ConcurrentDictionary<uint, ResponseHandler> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private int _nextRequest;
    private int _disposed;
    private volatile bool _closed;

    private ClientConnection(FrameConnection connection) => _connection = connection;

    public bool IsOpen => !_closed;

    public static async Task<ClientConnection> ConnectAsync(IPEndPoint proxy, ProtocolLimits limits, CancellationToken cancellationToken)
    {
        var connection = new ClientConnection(await FrameConnection.ConnectAsync(proxy, limits, cancellationToken).ConfigureAwait(false));
        _ = Task.Run(connection.ReadLoopAsync);
        return connection;
    }

    /// <summary>Sends a request; the handler gets every response frame until it says it is complete.</summary>
    public async Task SendAsync<THeader>(FrameOpcode opcode, THeader header, ReadOnlyMemory<byte> payload, ResponseHandler handler, CancellationToken cancellationToken)
    {
        if (_closed) throw new IOException("The connection to the proxy is closed.");
        uint id = (uint)Interlocked.Increment(ref _nextRequest);
        _pending[id] = handler;
        try
        {
            await _connection.WriteFrameAsync(opcode, id, header, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _pending.TryRemove(id, out _);
            Close(e);
            throw new IOException("The connection to the proxy failed while sending.", e);
        }
        using (cancellationToken.Register(() => { if (_pending.TryRemove(id, out var h)) h.Fail(new OperationCanceledException(cancellationToken)); }))
            await handler.Completion.ConfigureAwait(false);
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                using var frame = await _connection.ReadFrameAsync(_stop.Token).ConfigureAwait(false);
                if (frame is null) break;
                if (frame.RequestId == 0 && frame.Opcode == FrameOpcode.Error)
                    throw new TierException($"The proxy closed the connection: {frame.ReadHeader<ErrorHeader>().Message}");
                if (!_pending.TryGetValue(frame.RequestId, out var handler))
                {
                    await _connection.SkipPayloadAsync(_stop.Token).ConfigureAwait(false);
                    continue;
                }
                bool done;
                try
                {
                    done = await handler.OnFrameAsync(frame, _connection, _stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is TierException or ProtocolException or Tiered.Coding.ErasureCodingException or ArgumentException)
                {
                    await _connection.SkipPayloadAsync(_stop.Token).ConfigureAwait(false);
                    handler.Fail(e);
                    done = true;
                }
                if (done) _pending.TryRemove(frame.RequestId, out _);
            }
        }
        catch (Exception e)
        {
            failure = e;
        }
        Close(failure);
    }

    private void Close(Exception? reason)
    {
        _closed = true;
        var error = new IOException($"The connection to the proxy ended{(reason is null ? "" : ": " + reason.Message)}.", reason);
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var handler)) handler.Fail(error);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stop.Cancel();
        Close(null);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>Receives the response frames of one request; reads (or skips) each frame's payload.</summary>
internal abstract class ResponseHandler
{
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Completion => _completion.Task;

    /// <summary>Handles one frame; true when the response is complete.</summary>
    public abstract ValueTask<bool> OnFrameAsync(ReceivedFrame frame, FrameConnection connection, CancellationToken cancellationToken);

    public virtual void Fail(Exception error) => _completion.TrySetException(error);

    protected void Complete() => _completion.TrySetResult();

    protected static TierException ErrorOf(ReceivedFrame frame) => new(frame.ReadHeader<ErrorHeader>().Message);
}

/// <summary>A request answered by one frame (Ack, PutDone, NotFound, StatsReply or Error).</summary>
internal sealed class SingleFrameResponse : ResponseHandler
{
    public ReceivedFrame? Frame { get; private set; }
    public FrameOpcode Opcode { get; private set; }
    public AckHeader? Ack { get; private set; }
    public PutResult? Put { get; private set; }
    public StatsReplyHeader? Stats { get; private set; }
    public ObjectHeader? Object { get; private set; }

    public override async ValueTask<bool> OnFrameAsync(ReceivedFrame frame, FrameConnection connection, CancellationToken cancellationToken)
    {
        await connection.SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
        Opcode = frame.Opcode;
        switch (frame.Opcode)
        {
            case FrameOpcode.Error: Fail(ErrorOf(frame)); return true;
            case FrameOpcode.Ack: Ack = frame.ReadHeader<AckHeader>(); break;
            case FrameOpcode.PutDone: Put = frame.ReadHeader<PutResult>(); break;
            case FrameOpcode.StatsReply: Stats = frame.ReadHeader<StatsReplyHeader>(); break;
            case FrameOpcode.ObjectHeader: Object = frame.ReadHeader<ObjectHeader>(); break;
        }
        Complete();
        return true;
    }
}
