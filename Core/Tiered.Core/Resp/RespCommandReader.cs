using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using Tiered.Protocol;

namespace Tiered.Resp;

/// <summary>
/// Parses requests from a <see cref="PipeReader"/> incrementally: multibulk (<c>*N\r\n$len\r\n…</c>) as
/// clients send them, and inline commands (<c>PING\r\n</c>). A bulk string is copied from the pipe into one
/// pooled buffer as it arrives, so the pipe never holds a whole value.
/// </summary>
internal sealed class RespCommandReader(PipeReader reader, RespServerOptions options)
{
    /// <summary>Redis' limits for clients that have not authenticated yet.</summary>
    private const int UnauthenticatedMaxArguments = 10, UnauthenticatedMaxBulk = 16 * 1024;

    /// <summary>
    /// The next request with at least one argument, or null when the client closed the connection between
    /// requests. Throws <see cref="RespProtocolException"/> on a framing error and
    /// <see cref="EndOfStreamException"/> when the connection ends inside a request.
    /// </summary>
    public async ValueTask<RespCommand?> ReadAsync(bool authenticated, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (line is null) return null;
            if (line.Length > 0 && line[0] == (byte)'*')
            {
                if (!TryParseLength(line.AsSpan(1), out long count) || count > options.MaxArguments)
                    throw new RespProtocolException("invalid multibulk length");
                if (!authenticated && count > UnauthenticatedMaxArguments)
                    throw new RespProtocolException("unauthenticated multibulk length");
                if (count <= 0) continue;
                var arguments = new List<PooledBuffer>((int)Math.Min(count, 64));
                try
                {
                    for (long i = 0; i < count; i++)
                        arguments.Add(await ReadBulkAsync(authenticated, cancellationToken).ConfigureAwait(false));
                    return new RespCommand(arguments);
                }
                catch
                {
                    foreach (var argument in arguments) argument.Dispose();
                    throw;
                }
            }
            var inline = InlineParser.Split(line);
            if (inline.Count > 0) return new RespCommand(inline);
        }
    }

    private async ValueTask<PooledBuffer> ReadBulkAsync(bool authenticated, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new EndOfStreamException();
        if (line.Length == 0 || line[0] != (byte)'$')
            throw new RespProtocolException($"expected '$', got '{(line.Length == 0 ? "\\r" : (char)line[0])}'");
        if (!TryParseLength(line.AsSpan(1), out long length) || length < 0)
            throw new RespProtocolException("invalid bulk length");
        if (length > options.MaxBulkLength)
            throw new RespProtocolException($"invalid bulk length: {length} bytes exceeds the limit of {options.MaxBulkLength} bytes (MaxBulkLength)");
        if (!authenticated && length > UnauthenticatedMaxBulk)
            throw new RespProtocolException("unauthenticated bulk length");

        var buffer = PooledBuffer.Rent((int)length);
        try
        {
            int filled = 0;
            while (filled < length)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var data = result.Buffer;
                int take = (int)Math.Min(data.Length, length - filled);
                data.Slice(0, take).CopyTo(buffer.Span[filled..]);
                filled += take;
                reader.AdvanceTo(data.GetPosition(take));
                if (take == 0 && result.IsCompleted) throw new EndOfStreamException();
            }
            await ExpectCrlfAsync(cancellationToken).ConfigureAwait(false);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private async ValueTask ExpectCrlfAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = result.Buffer;
            if (data.Length >= 2)
            {
                Span<byte> two = stackalloc byte[2];
                data.Slice(0, 2).CopyTo(two);
                reader.AdvanceTo(data.GetPosition(2));
                if (two[0] != (byte)'\r' || two[1] != (byte)'\n') throw new RespProtocolException("expected CRLF after a bulk string");
                return;
            }
            reader.AdvanceTo(data.Start, data.End);
            if (result.IsCompleted) throw new EndOfStreamException();
        }
    }

    /// <summary>A line without its CR LF; null at a clean end of the stream.</summary>
    private async ValueTask<byte[]?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var data = result.Buffer;
            var newline = data.PositionOf((byte)'\n');
            if (newline is { } end)
            {
                var line = data.Slice(0, end);
                if (line.Length > options.MaxInlineLength)
                {
                    reader.AdvanceTo(data.Start, data.End);
                    throw new RespProtocolException("too big inline request");
                }
                var bytes = line.ToArray();
                reader.AdvanceTo(data.GetPosition(1, end));
                return bytes.Length > 0 && bytes[^1] == (byte)'\r' ? bytes[..^1] : bytes;
            }
            if (data.Length > options.MaxInlineLength)
            {
                reader.AdvanceTo(data.Start, data.End);
                throw new RespProtocolException("too big inline request");
            }
            reader.AdvanceTo(data.Start, data.End);
            if (result.IsCompleted)
            {
                if (data.Length == 0) return null;
                throw new EndOfStreamException();
            }
        }
    }

    private static bool TryParseLength(ReadOnlySpan<byte> text, out long value) =>
        Utf8Parser.TryParse(text, out value, out int consumed) && consumed == text.Length && text.Length > 0;
}
