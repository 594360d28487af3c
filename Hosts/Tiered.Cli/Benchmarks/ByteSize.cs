using System.Globalization;

namespace Tiered.Cli.Benchmarks;

/// <summary>Parses and prints binary sizes such as <c>64k</c>, <c>1m</c>, <c>4096</c> (k = 1024).</summary>
internal static class ByteSize
{
    public static bool TryParse(string text, out int bytes)
    {
        bytes = 0;
        string s = text.Trim().ToLowerInvariant();
        if (s.EndsWith("ib", StringComparison.Ordinal)) s = s[..^2];
        else if (s.EndsWith('b')) s = s[..^1];
        long multiplier = 1;
        if (s.EndsWith('k')) { multiplier = 1L << 10; s = s[..^1]; }
        else if (s.EndsWith('m')) { multiplier = 1L << 20; s = s[..^1]; }
        else if (s.EndsWith('g')) { multiplier = 1L << 30; s = s[..^1]; }
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long value)) return false;
        long result = value * multiplier;
        if (result <= 0 || result > int.MaxValue) return false;
        bytes = (int)result;
        return true;
    }

    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GiB",
        >= 1L << 20 when bytes % (1L << 20) == 0 => $"{bytes >> 20} MiB",
        >= 1L << 10 when bytes % (1L << 10) == 0 => $"{bytes >> 10} KiB",
        _ => $"{bytes} B",
    };
}
