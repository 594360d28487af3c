using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace Tiered.Protocol;

/// <summary>
/// One framed connection. Reads go through a small buffer for prefixes and headers, but a payload is read
/// straight from the socket into the buffer that will keep it (a pooled array, or the caller's object
/// buffer), so chunk bytes are copied once by the kernel and never again — the reason this is not a
/// <c>PipeReader</c>, which would add a copy per chunk. Writes are serialized by a lock; one reader at a time.
/// </summary>
public sealed class FrameConnection : IAsyncDisposable
{
    private const int ReadBufferSize = 64 * 1024;

    private readonly Stream _stream;
    private readonly Socket? _socket;
    private readonly byte[] _readBuffer = ArrayPool<byte>.Shared.Rent(ReadBufferSize);
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ArrayBufferWriter<byte> _headerWriter = new(256);
    private int _readStart, _readEnd;
    private int _pendingPayload;
    private int _disposed;

    public FrameConnection(Stream stream, ProtocolLimits? limits = null, Socket? socket = null)
    {
        _stream = stream;
        _socket = socket;
        Limits = limits ?? ProtocolLimits.Default;
    }

    public ProtocolLimits Limits { get; }

    /// <summary>The peer's address, when the connection is a socket.</summary>
    public EndPoint? RemoteEndPoint => _socket?.RemoteEndPoint;

    /// <summary>Wraps an accepted or connected socket (Nagle off: frames are written whole).</summary>
    public static FrameConnection FromSocket(Socket socket, ProtocolLimits? limits = null)
    {
        socket.NoDelay = true;
        return new FrameConnection(new NetworkStream(socket, ownsSocket: true), limits, socket);
    }

    public static async Task<FrameConnection> ConnectAsync(EndPoint endPoint, ProtocolLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            return FromSocket(socket, limits);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads the next frame's prefix and header, or null when the peer closed the connection between frames.
    /// The frame's payload must be consumed (<see cref="ReadPayloadAsync(Memory{byte}, CancellationToken)"/>,
    /// <see cref="ReadPayloadAsync(CancellationToken)"/> or <see cref="SkipPayloadAsync"/>) before the next call.
    /// </summary>
    public async ValueTask<ReceivedFrame?> ReadFrameAsync(CancellationToken cancellationToken = default)
    {
        if (_pendingPayload > 0) await SkipPayloadAsync(cancellationToken).ConfigureAwait(false);
        if (!await FillAsync(FramePrefix.Size, allowCleanEnd: true, cancellationToken).ConfigureAwait(false)) return null;
        var prefix = FramePrefix.Read(_readBuffer.AsSpan(_readStart, FramePrefix.Size), Limits);
        _readStart += FramePrefix.Size;
        var header = PooledBuffer.Rent(prefix.HeaderLength);
        try
        {
            await ReadExactlyAsync(header.Memory, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            header.Dispose();
            throw;
        }
        _pendingPayload = prefix.PayloadLength;
        return new ReceivedFrame(prefix, header);
    }

    /// <summary>Reads the current frame's payload into <paramref name="destination"/> (exactly the payload's length).</summary>
    public async ValueTask ReadPayloadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.Length != _pendingPayload)
            throw new ArgumentException($"The payload is {_pendingPayload} bytes but the destination holds {destination.Length}.", nameof(destination));
        _pendingPayload = 0;
        await ReadExactlyAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the current frame's payload into a pooled buffer (dispose it).</summary>
    public async ValueTask<PooledBuffer> ReadPayloadAsync(CancellationToken cancellationToken = default)
    {
        var buffer = PooledBuffer.Rent(_pendingPayload);
        try
        {
            await ReadPayloadAsync(buffer.Memory, cancellationToken).ConfigureAwait(false);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>Discards the current frame's payload.</summary>
    public async ValueTask SkipPayloadAsync(CancellationToken cancellationToken = default)
    {
        while (_pendingPayload > 0)
        {
            if (_readStart == _readEnd && !await FillAsync(1, allowCleanEnd: false, cancellationToken).ConfigureAwait(false)) return;
            int take = Math.Min(_pendingPayload, _readEnd - _readStart);
            _readStart += take;
            _pendingPayload -= take;
        }
    }

    /// <summary>Writes one frame: prefix, the MessagePack header (if any) and the raw payload.</summary>
    public async ValueTask WriteFrameAsync<THeader>(FrameOpcode opcode, uint requestId, THeader? header, ReadOnlyMemory<byte> payload = default, CancellationToken cancellationToken = default)
    {
        if (payload.Length > Limits.MaxPayloadBytes)
            throw new ProtocolException(ProtocolErrorCode.Oversized, $"A {opcode} payload of {payload.Length} bytes exceeds the {Limits.MaxPayloadBytes}-byte limit.");
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _headerWriter.ResetWrittenCount();
            _headerWriter.GetSpan(FramePrefix.Size);
            _headerWriter.Advance(FramePrefix.Size);
            if (header is not null) WireSerializer.Serialize(_headerWriter, header);
            int headerLength = _headerWriter.WrittenCount - FramePrefix.Size;
            // Small payloads ride in the same write as the header.
            bool inline = payload.Length <= 4096;
            if (inline && payload.Length > 0) _headerWriter.Write(payload.Span);
            // The prefix is filled in last, once the header's length is known.
            new FramePrefix(opcode, requestId, headerLength, payload.Length).Write(System.Runtime.InteropServices.MemoryMarshal.AsMemory(_headerWriter.WrittenMemory).Span);
            await _stream.WriteAsync(_headerWriter.WrittenMemory, cancellationToken).ConfigureAwait(false);
            if (!inline) await _stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask WriteFrameAsync(FrameOpcode opcode, uint requestId, CancellationToken cancellationToken = default) =>
        WriteFrameAsync<object>(opcode, requestId, null, default, cancellationToken);

    public ValueTask WriteErrorAsync(uint requestId, ProtocolErrorCode code, string message, CancellationToken cancellationToken = default) =>
        WriteFrameAsync(FrameOpcode.Error, requestId, new ErrorHeader { Code = (int)code, Message = message }, default, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try { _socket?.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        await _stream.DisposeAsync().ConfigureAwait(false);
        ArrayPool<byte>.Shared.Return(_readBuffer);
    }

    /// <summary>Closes the connection without waiting (to abort a peer that broke the protocol).</summary>
    public void Abort()
    {
        try { _socket?.Close(0); } catch (ObjectDisposedException) { }
        _stream.Dispose();
    }

    private async ValueTask ReadExactlyAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        int buffered = Math.Min(destination.Length, _readEnd - _readStart);
        if (buffered > 0)
        {
            _readBuffer.AsSpan(_readStart, buffered).CopyTo(destination.Span);
            _readStart += buffered;
            destination = destination[buffered..];
        }
        if (destination.IsEmpty) return;
        if (destination.Length >= ReadBufferSize / 2)
        {
            // Large reads go straight into the destination.
            while (!destination.IsEmpty)
            {
                int read = await _stream.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
                if (read == 0) throw Truncated();
                destination = destination[read..];
            }
            return;
        }
        if (!await FillAsync(destination.Length, allowCleanEnd: false, cancellationToken).ConfigureAwait(false)) throw Truncated();
        _readBuffer.AsSpan(_readStart, destination.Length).CopyTo(destination.Span);
        _readStart += destination.Length;
    }

    /// <summary>Makes at least <paramref name="count"/> bytes available in the read buffer; false on a clean end of stream before any byte.</summary>
    private async ValueTask<bool> FillAsync(int count, bool allowCleanEnd, CancellationToken cancellationToken)
    {
        if (_readEnd - _readStart >= count) return true;
        if (_readStart > 0)
        {
            Buffer.BlockCopy(_readBuffer, _readStart, _readBuffer, 0, _readEnd - _readStart);
            _readEnd -= _readStart;
            _readStart = 0;
        }
        while (_readEnd < count)
        {
            int read;
            try
            {
                read = await _stream.ReadAsync(_readBuffer.AsMemory(_readEnd, ReadBufferSize - _readEnd), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException) when (allowCleanEnd && _readEnd == 0)
            {
                return false;
            }
            if (read == 0)
            {
                if (allowCleanEnd && _readEnd == 0) return false;
                throw Truncated();
            }
            _readEnd += read;
        }
        return true;
    }

    private static ProtocolException Truncated() =>
        new(ProtocolErrorCode.Truncated, "The connection ended in the middle of a frame.");
}

/// <summary>A frame's prefix and decoded-on-demand header; its payload is read from the connection separately.</summary>
public sealed class ReceivedFrame(FramePrefix prefix, PooledBuffer header) : IDisposable
{
    public FrameOpcode Opcode => prefix.Opcode;
    public uint RequestId => prefix.RequestId;
    public int PayloadLength => prefix.PayloadLength;
    public ReadOnlyMemory<byte> Header => header.Memory;

    public T ReadHeader<T>() => WireSerializer.Deserialize<T>(header.Memory, prefix.Opcode);

    public void Dispose() => header.Dispose();
}
