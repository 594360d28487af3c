using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Text;

namespace Tiered.Resp;

/// <summary>Writes RESP2 replies to a <see cref="PipeWriter"/>. Large bulk strings bypass the pipe's buffers.</summary>
internal sealed class RespReplyWriter(PipeWriter writer)
{
    /// <summary>Bulk strings longer than this are written straight to the stream after the buffered replies.</summary>
    private const int DirectWriteThreshold = 64 * 1024;

    private static readonly byte[] Crlf = "\r\n"u8.ToArray();

    public void Simple(string text) => Line((byte)'+', text);

    /// <summary>An error reply; the text starts with its code (<c>ERR</c>, <c>NOAUTH</c>, …). Line breaks become spaces.</summary>
    public void Error(string text) => Line((byte)'-', text.ReplaceLineEndings(" "));

    public void Integer(long value) => Number((byte)':', value);

    public void ArrayHeader(int count) => Number((byte)'*', count);

    public void NullBulk() => writer.Write("$-1\r\n"u8);

    public void NullArray() => writer.Write("*-1\r\n"u8);

    public void Bulk(string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        Number((byte)'$', length);
        var span = writer.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(text, span);
        Crlf.CopyTo(span[length..]);
        writer.Advance(length + 2);
    }

    public void Bulk(ReadOnlySpan<byte> value)
    {
        Number((byte)'$', value.Length);
        writer.Write(value);
        writer.Write(Crlf);
    }

    /// <summary>A bulk string of any size: small ones are buffered, large ones are written to the stream without a copy.</summary>
    public async ValueTask BulkAsync(ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        if (value.Length <= DirectWriteThreshold)
        {
            Bulk(value.Span);
            return;
        }
        Number((byte)'$', value.Length);
        await writer.WriteAsync(value, cancellationToken).ConfigureAwait(false);
        writer.Write(Crlf);
    }

    public ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken) => writer.FlushAsync(cancellationToken);

    private void Line(byte prefix, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        var span = writer.GetSpan(length + 3);
        span[0] = prefix;
        Encoding.UTF8.GetBytes(text, span[1..]);
        span[length + 1] = (byte)'\r';
        span[length + 2] = (byte)'\n';
        writer.Advance(length + 3);
    }

    private void Number(byte prefix, long value)
    {
        var span = writer.GetSpan(24);
        span[0] = prefix;
        Utf8Formatter.TryFormat(value, span[1..], out int written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        writer.Advance(written + 3);
    }
}
