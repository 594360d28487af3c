using System.Runtime.CompilerServices;

namespace Tiered.Placement;

/// <summary>
/// A hash ring: sorted 64-bit tokens, each owned by a member; a key belongs to the owner of the first token at or after
/// its hash, wrapping around. Token j of a member is the XxHash3 of the UTF-8 string <c>"name#j"</c> (the usual
/// name-plus-index scheme of Ketama and Envoy's ring hash), so the ring depends only on names and token counts, not on
/// insertion order. A table indexed by the top bits of the hash narrows each search to a few tokens.
/// </summary>
internal sealed class TokenRing
{
    private readonly ulong[] tokens;
    private readonly int[] owners;
    private readonly int[] prefixStart;
    private readonly int shift;

    private TokenRing(ulong[] tokens, int[] owners)
    {
        this.tokens = tokens;
        this.owners = owners;
        int bits = Math.Clamp(64 - (int)ulong.LeadingZeroCount((ulong)Math.Max(1, tokens.Length)) + 1, 1, 20);
        shift = 64 - bits;
        prefixStart = new int[(1 << bits) + 1];
        int t = 0;
        for (int prefix = 0; prefix <= 1 << bits; prefix++)
        {
            while (t < tokens.Length && (int)(tokens[t] >> shift) < prefix) t++;
            prefixStart[prefix] = t;
        }
    }

    /// <summary>The number of tokens on the ring.</summary>
    public int TokenCount => tokens.Length;

    /// <summary>Token j (0-based) of the member named <paramref name="name"/>: XxHash3 of <c>"name#j"</c>.</summary>
    public static ulong Token(string name, int j) => KeyHash.Of(string.Concat(name, "#", j.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Builds a ring where member i (named <paramref name="names"/>[i], with name hash <paramref name="nameHashes"/>[i]) has <paramref name="tokenCounts"/>[i] tokens.</summary>
    public static TokenRing Build(ReadOnlySpan<string> names, ReadOnlySpan<ulong> nameHashes, ReadOnlySpan<int> tokenCounts)
    {
        int total = 0;
        foreach (int c in tokenCounts) total += c;
        var entries = new (ulong Token, ulong NameHash, int Owner)[total];
        int e = 0;
        for (int i = 0; i < names.Length; i++)
            for (int j = 0; j < tokenCounts[i]; j++)
                entries[e++] = (Token(names[i], j), nameHashes[i], i);
        Array.Sort(entries, (a, b) => a.Token != b.Token ? a.Token.CompareTo(b.Token) : a.NameHash.CompareTo(b.NameHash));
        return new TokenRing(entries.Select(x => x.Token).ToArray(), entries.Select(x => x.Owner).ToArray());
    }

    /// <summary>The position (token index) that owns <paramref name="hash"/>: the first token ≥ hash, or 0 after the last.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Position(ulong hash)
    {
        int prefix = (int)(hash >> shift);
        int lo = prefixStart[prefix], hi = prefixStart[prefix + 1];
        var span = tokens.AsSpan(lo, hi - lo);
        int i = 0;
        while (i < span.Length && span[i] < hash) i++;
        int position = lo + i;
        return position == tokens.Length ? 0 : position;
    }

    /// <summary>The member owning the token at <paramref name="position"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int OwnerAt(int position) => owners[position];

    /// <summary>The member that owns <paramref name="hash"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Owner(ulong hash) => owners[Position(hash)];
}
