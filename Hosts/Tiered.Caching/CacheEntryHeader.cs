using System.Buffers.Binary;

namespace Tiered.Caching;

/// <summary>
/// The 20 bytes stored in front of every cached value: magic <c>"TDC"</c>, format version 1, the absolute
/// expiry (UTC ticks, 0 = none) and the sliding expiration (ticks, 0 = none), little-endian.
/// </summary>
internal readonly record struct CacheEntryHeader(DateTimeOffset? AbsoluteExpiration, TimeSpan? SlidingExpiration)
{
    public const int Size = 20;
    private const byte Version = 1;

    public void Write(Span<byte> destination)
    {
        destination[0] = (byte)'T';
        destination[1] = (byte)'D';
        destination[2] = (byte)'C';
        destination[3] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], AbsoluteExpiration?.UtcTicks ?? 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[12..], SlidingExpiration?.Ticks ?? 0);
    }

    /// <summary>Reads a header; false when the bytes were not written by this cache.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out CacheEntryHeader header)
    {
        header = default;
        if (source.Length < Size || source[0] != 'T' || source[1] != 'D' || source[2] != 'C' || source[3] != Version) return false;
        long absolute = BinaryPrimitives.ReadInt64LittleEndian(source[4..]);
        long sliding = BinaryPrimitives.ReadInt64LittleEndian(source[12..]);
        if (absolute < 0 || absolute > DateTimeOffset.MaxValue.UtcTicks || sliding < 0) return false;
        header = new CacheEntryHeader(absolute == 0 ? null : new DateTimeOffset(absolute, TimeSpan.Zero), sliding == 0 ? null : TimeSpan.FromTicks(sliding));
        return true;
    }

    /// <summary>How long the tier should keep the entry from <paramref name="now"/>: the sliding window capped by the absolute expiry.</summary>
    public TimeSpan? TimeToLive(DateTimeOffset now)
    {
        TimeSpan? untilAbsolute = AbsoluteExpiration - now;
        return (SlidingExpiration, untilAbsolute) switch
        {
            ({ } sliding, { } absolute) => sliding < absolute ? sliding : absolute,
            ({ } sliding, null) => sliding,
            (null, { } absolute) => absolute,
            _ => null,
        };
    }

    public bool IsExpired(DateTimeOffset now) => AbsoluteExpiration is { } absolute && absolute <= now;
}
