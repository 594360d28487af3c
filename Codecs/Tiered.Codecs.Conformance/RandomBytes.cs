using System.Runtime.InteropServices;

namespace Tiered.Codecs.Conformance;

/// <summary>
/// Fast reproducible random bytes: a SplitMix64 stream seeded from the check's <see cref="Random"/> (a seeded
/// <see cref="Random"/> fills large buffers slowly).
/// </summary>
internal static class RandomBytes
{
    public static void Fill(Random random, Span<byte> bytes)
    {
        ulong state = (ulong)random.NextInt64();
        var words = MemoryMarshal.Cast<byte, ulong>(bytes);
        for (int i = 0; i < words.Length; i++) words[i] = Next(ref state);
        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++) bytes[i] = (byte)Next(ref state);
    }

    private static ulong Next(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
