using System.Buffers;

namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>An append-only char buffer that starts on a caller's (stack) span and grows into pooled arrays.</summary>
internal ref struct PooledCharBuffer
{
    private char[]? _rented;
    private Span<char> _span;
    private int _length;

    public PooledCharBuffer(Span<char> initial)
    {
        _rented = null;
        _span = initial;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<char> Written => _span[.._length];

    public void Append(char c)
    {
        if (_length == _span.Length) Grow(1);
        _span[_length++] = c;
    }

    public void Append(scoped ReadOnlySpan<char> text)
    {
        if (_length + text.Length > _span.Length) Grow(text.Length);
        text.CopyTo(_span[_length..]);
        _length += text.Length;
    }

    /// <summary>Appends <c>%XX</c> with uppercase hex digits, as SigV4's URI encoding requires.</summary>
    public void AppendPercentEncoded(byte b)
    {
        if (_length + 3 > _span.Length) Grow(3);
        _span[_length] = '%';
        _span[_length + 1] = "0123456789ABCDEF"[b >> 4];
        _span[_length + 2] = "0123456789ABCDEF"[b & 0xF];
        _length += 3;
    }

    public override readonly string ToString() => new(Written);

    public void Dispose()
    {
        if (_rented is { } rented)
        {
            _rented = null;
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void Grow(int additional)
    {
        var next = ArrayPool<char>.Shared.Rent(Math.Max(_span.Length * 2, _length + additional));
        _span[.._length].CopyTo(next);
        if (_rented is { } old) ArrayPool<char>.Shared.Return(old);
        _rented = next;
        _span = next;
    }
}
