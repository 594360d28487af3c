using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;

namespace Tiered.Cli.Replay;

/// <summary>
/// The bytes of one version of an object, derived from its key and version alone (a xorshift64* stream seeded by the
/// key's hash and the version), so the replay fills and verifies objects without keeping copies.
/// </summary>
internal static class ObjectContent
{
    /// <summary>The stream's seed for a key and version (never zero).</summary>
    public static ulong Seed(string key, int version)
    {
        ulong hash = XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(key), seed: 0x7469657265640000L);
        ulong seed = hash ^ (0x9E3779B97F4A7C15UL * (ulong)(uint)version);
        return seed == 0 ? 0x2545F4914F6CDD1DUL : seed;
    }

    /// <summary>Writes the content of (<paramref name="key"/>, <paramref name="version"/>) into <paramref name="destination"/>.</summary>
    public static void Fill(string key, int version, Span<byte> destination)
    {
        ulong state = Seed(key, version);
        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (int i = 0; i < words.Length; i++) words[i] = Next(ref state);
        var tail = destination[(words.Length * sizeof(ulong))..];
        if (tail.Length > 0)
        {
            ulong last = Next(ref state);
            for (int i = 0; i < tail.Length; i++) tail[i] = (byte)(last >> (8 * i));
        }
    }

    /// <summary>Whether <paramref name="actual"/> is exactly the content of (<paramref name="key"/>, <paramref name="version"/>) of that length.</summary>
    public static bool Matches(string key, int version, long expectedLength, ReadOnlySpan<byte> actual)
    {
        if (actual.Length != expectedLength) return false;
        ulong state = Seed(key, version);
        var words = MemoryMarshal.Cast<byte, ulong>(actual);
        for (int i = 0; i < words.Length; i++)
            if (words[i] != Next(ref state)) return false;
        var tail = actual[(words.Length * sizeof(ulong))..];
        if (tail.Length > 0)
        {
            ulong last = Next(ref state);
            for (int i = 0; i < tail.Length; i++)
                if (tail[i] != (byte)(last >> (8 * i))) return false;
        }
        return true;
    }

    private static ulong Next(ref ulong state)
    {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1DUL;
    }
}
