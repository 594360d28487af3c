using System.IO.Hashing;

namespace Tiered.Protocol;

/// <summary>The checksum every chunk carries end to end: XxHash3 (64-bit) of its bytes.</summary>
public static class ChunkChecksum
{
    public static ulong Compute(ReadOnlySpan<byte> chunk) => XxHash3.HashToUInt64(chunk);

    public static bool Matches(ReadOnlySpan<byte> chunk, ulong expected) => Compute(chunk) == expected;
}
