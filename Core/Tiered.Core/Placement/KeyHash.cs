using System.Buffers;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tiered.Placement;

/// <summary>
/// The stable 64-bit hashes every placement uses: the same bytes give the same hash in every process,
/// on every machine and in every .NET version (never <see cref="string.GetHashCode()"/>, which is randomized per process).
/// </summary>
/// <remarks>
/// Keys and node names are hashed with XxHash3 (64-bit, seed 0) over their bytes; strings are hashed over their UTF-8 encoding.
/// Derived values (a key's score on a node, a chunk slot's draw) are mixed with <see cref="Mix"/>, the 64-bit finalizer of
/// MurmurHash3 (fmix64), which is a bijection with full avalanche.
/// </remarks>
public static class KeyHash
{
    private const int StackLimit = 512;

    /// <summary>The odd 64-bit constant ⌊2⁶⁴/φ⌋ used to spread small integers (slot numbers, attempts, token numbers).</summary>
    public const ulong Golden = 0x9E3779B97F4A7C15UL;

    /// <summary>XxHash3 (seed 0) of <paramref name="key"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of(ReadOnlySpan<byte> key) => XxHash3.HashToUInt64(key);

    /// <summary>XxHash3 (seed 0) of the UTF-8 bytes of <paramref name="key"/>; does not allocate.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    public static ulong Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int max = Encoding.UTF8.GetMaxByteCount(key.Length);
        if (max <= StackLimit)
        {
            Span<byte> buffer = stackalloc byte[StackLimit];
            int length = Encoding.UTF8.GetBytes(key, buffer);
            return XxHash3.HashToUInt64(buffer[..length]);
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int length = Encoding.UTF8.GetBytes(key, rented);
            return XxHash3.HashToUInt64(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The MurmurHash3 64-bit finalizer (fmix64): a bijection whose every output bit depends on every input bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCDUL;
        value ^= value >> 33;
        value *= 0xC4CEB9FE1A85EC53UL;
        value ^= value >> 33;
        return value;
    }

    /// <summary>A pseudo-random 64-bit value for the pair (<paramref name="keyHash"/>, <paramref name="nodeHash"/>): <c>Mix(keyHash ^ nodeHash)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Combine(ulong keyHash, ulong nodeHash) => Mix(keyHash ^ nodeHash);

    /// <summary>
    /// The hash a key uses for its <paramref name="slot"/>-th chunk at its <paramref name="attempt"/>-th draw:
    /// <c>Mix(keyHash + Mix((slot + 1) · Golden + attempt))</c>. Slot 0, attempt 0 is not the key hash itself.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong ForSlot(ulong keyHash, int slot, int attempt = 0) =>
        Mix(keyHash + Mix((ulong)(slot + 1) * Golden + (ulong)attempt));

    /// <summary>
    /// Maps a 64-bit hash to a double in the open interval (0, 1): <c>(top 52 bits + ½) / 2⁵²</c>. Every value is exact,
    /// so neither 0 nor 1 can occur (with 53 bits the largest would round up to 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToUnitInterval(ulong hash) => ((hash >> 12) + 0.5) * (1.0 / (1UL << 52));
}
