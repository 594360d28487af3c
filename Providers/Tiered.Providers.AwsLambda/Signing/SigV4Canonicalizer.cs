using System.Text;

namespace Tiered.Providers.AwsLambda.Signing;

/// <summary>
/// The canonical forms SigV4 hashes: URI (encoded once more, optionally dot-segment-normalized), query (decoded and
/// re-encoded strictly, sorted by name then value), headers (lowercase names, sorted, duplicates joined with commas,
/// values trimmed with inner whitespace runs collapsed).
/// </summary>
internal static class SigV4Canonicalizer
{
    public static bool IsUnreserved(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~';

    private static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Appends the canonical URI of <paramref name="path"/>.</summary>
    public static void AppendCanonicalUri(ref PooledCharBuffer sb, string path, bool normalize)
    {
        if (path.Length == 0)
        {
            sb.Append('/');
            return;
        }
        if (!normalize)
        {
            AppendEncoded(ref sb, path, keepSlash: true);
            return;
        }
        // RFC 3986 dot-segment removal, with empty segments dropped ("//" is "/"); a trailing slash (or a last segment of
        // "." or "..") keeps the result ending in "/".
        var parts = path.Split('/');
        var kept = new List<string>(parts.Length);
        foreach (var part in parts)
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..")
            {
                if (kept.Count > 0) kept.RemoveAt(kept.Count - 1);
                continue;
            }
            kept.Add(part);
        }
        string last = parts[^1];
        bool trailingSlash = last.Length == 0 || last is "." or "..";
        sb.Append('/');
        for (int i = 0; i < kept.Count; i++)
        {
            if (i > 0) sb.Append('/');
            AppendEncoded(ref sb, kept[i], keepSlash: false);
        }
        if (trailingSlash && kept.Count > 0) sb.Append('/');
    }

    /// <summary>Appends the canonical query string of <paramref name="query"/> (as sent, without <c>?</c>).</summary>
    public static void AppendCanonicalQuery(ref PooledCharBuffer sb, string query)
    {
        if (query.Length == 0) return;
        var pairs = new List<(string Name, string Value)>();
        foreach (var parameter in query.Split('&'))
        {
            if (parameter.Length == 0) continue;
            int eq = parameter.IndexOf('=');
            var name = eq < 0 ? parameter.AsSpan() : parameter.AsSpan(0, eq);
            var value = eq < 0 ? ReadOnlySpan<char>.Empty : parameter.AsSpan(eq + 1);
            pairs.Add((EncodeQueryComponent(name), EncodeQueryComponent(value)));
        }
        pairs.Sort(static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        for (int i = 0; i < pairs.Count; i++)
        {
            if (i > 0) sb.Append('&');
            sb.Append(pairs[i].Name);
            sb.Append('=');
            sb.Append(pairs[i].Value);
        }
    }

    /// <summary>Appends <c>name:value\n</c> for every header (sorted, grouped) and returns the signed-headers list.</summary>
    public static string AppendCanonicalHeaders(ref PooledCharBuffer sb, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var entries = new (string Name, string Value, int Order)[headers.Count];
        for (int i = 0; i < entries.Length; i++)
            entries[i] = (headers[i].Key.Trim().ToLowerInvariant(), headers[i].Value ?? "", i);
        Array.Sort(entries, static (a, b) =>
        {
            int byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : a.Order.CompareTo(b.Order);   // duplicates keep the order they were sent in
        });
        var signed = new StringBuilder();
        for (int i = 0; i < entries.Length; i++)
        {
            bool first = i == 0 || entries[i - 1].Name != entries[i].Name;
            if (first)
            {
                if (i > 0)
                {
                    sb.Append('\n');
                    signed.Append(';');
                }
                sb.Append(entries[i].Name);
                sb.Append(':');
                signed.Append(entries[i].Name);
            }
            else
            {
                sb.Append(',');
            }
            AppendTrimmed(ref sb, entries[i].Value);
        }
        if (entries.Length > 0) sb.Append('\n');
        return signed.ToString();
    }

    /// <summary>Trims the value and collapses each inner run of whitespace (including folded line breaks) to one space.</summary>
    private static void AppendTrimmed(ref PooledCharBuffer sb, ReadOnlySpan<char> value)
    {
        bool pendingSpace = false, any = false;
        foreach (char c in value)
        {
            if (IsWhitespace(c))
            {
                pendingSpace = any;
                continue;
            }
            if (pendingSpace) sb.Append(' ');
            pendingSpace = false;
            any = true;
            sb.Append(c);
        }
    }

    /// <summary>Percent-encodes every char but the unreserved ones (and <c>/</c> when asked), as UTF-8, uppercase hex.</summary>
    public static void AppendEncoded(ref PooledCharBuffer sb, ReadOnlySpan<char> text, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < text.Length;)
        {
            char c = text[i];
            if (IsUnreserved(c) || (keepSlash && c == '/'))
            {
                sb.Append(c);
                i++;
                continue;
            }
            if (c < 0x80)
            {
                sb.AppendPercentEncoded((byte)c);
                i++;
                continue;
            }
            Rune.DecodeFromUtf16(text[i..], out var rune, out int consumed);   // a lone surrogate becomes U+FFFD
            int n = rune.EncodeToUtf8(utf8);
            for (int j = 0; j < n; j++) sb.AppendPercentEncoded(utf8[j]);
            i += consumed;
        }
    }

    /// <summary>A query name or value as sent, re-encoded canonically: <c>%XX</c> sequences are kept as the byte they stand for.</summary>
    private static string EncodeQueryComponent(ReadOnlySpan<char> raw)
    {
        var sb = new PooledCharBuffer(stackalloc char[128]);
        try
        {
            int start = 0;
            for (int i = 0; i < raw.Length; i++)
            {
                if (raw[i] != '%' || i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2])) continue;   // a lone '%' is encoded as %25
                AppendEncoded(ref sb, raw[start..i], keepSlash: false);
                byte b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                if (IsUnreserved((char)b)) sb.Append((char)b);
                else sb.AppendPercentEncoded(b);
                i += 2;
                start = i + 1;
            }
            AppendEncoded(ref sb, raw[start..], keepSlash: false);
            return sb.ToString();
        }
        finally
        {
            sb.Dispose();
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
