using System.Text;

namespace Tiered.LambdaEmulator;

/// <summary>The output lines of one invocation (bounded: the oldest are dropped past 64 KiB).</summary>
internal sealed class InvocationLog
{
    private const int MaxChars = 64 * 1024;
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void Append(string line)
    {
        lock (_gate)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > MaxChars) _text.Remove(0, _text.Length - MaxChars / 2);
        }
    }

    /// <summary>Moves every line of <paramref name="other"/> into this log (before its own lines).</summary>
    public void TakeFrom(InvocationLog other)
    {
        string moved;
        lock (other._gate)
        {
            moved = other._text.ToString();
            other._text.Clear();
        }
        if (moved.Length == 0) return;
        lock (_gate) _text.Insert(0, moved);
    }

    public override string ToString()
    {
        lock (_gate) return _text.ToString();
    }

    /// <summary>
    /// What Lambda's <c>X-Amz-Log-Result</c> carries: this log (init output, the START line, the function's output) with
    /// the END and REPORT lines, cut to its last <paramref name="maxBytes"/> bytes.
    /// </summary>
    public byte[] Tail(string requestId, string reportLine, int maxBytes = 4096)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(ToString() + $"END RequestId: {requestId}\n" + reportLine + "\n");
        if (bytes.Length <= maxBytes) return bytes;
        int from = bytes.Length - maxBytes;
        while (from < bytes.Length && (bytes[from] & 0xC0) == 0x80) from++; // do not start inside a UTF-8 sequence
        return bytes[from..];
    }
}
