using System.Globalization;
using System.Text.RegularExpressions;

namespace Tiered.Chaos;

/// <summary>Parsing and canonical formatting of the values in a chaos spec: durations, rates, probabilities, bandwidths.</summary>
internal static partial class ChaosUnits
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>us|ms|s|min|m|h|d)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)/(?<u>s|sec|min|m|h|hour|d|day)$", RegexOptions.CultureInvariant)]
    private static partial Regex RatePattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<u>B|KB|KiB|MB|MiB|GB|GiB)/s$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex BandwidthPattern();

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<pct>%)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ProbabilityPattern();

    [GeneratedRegex(@"^\d+(\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    /// <summary>A duration like <c>20ms</c>, <c>1.5s</c>, <c>10m</c> (or <c>10min</c>), <c>2h</c>, <c>1d</c>, <c>500us</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        var match = DurationPattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, Invariant, out var n)) return false;
        decimal ticksPerUnit = match.Groups["u"].Value switch
        {
            "us" => 10m,
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" or "min" => TimeSpan.TicksPerMinute,
            "h" => TimeSpan.TicksPerHour,
            _ => TimeSpan.TicksPerDay,
        };
        decimal ticks = decimal.Round(n * ticksPerUnit);
        if (ticks > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>The canonical form: the largest unit that states it exactly (<c>2h</c>, <c>90s</c>, <c>1500ms</c>, <c>0.5ms</c>).</summary>
    public static string FormatDuration(TimeSpan value)
    {
        long ticks = value.Ticks;
        if (ticks == 0) return "0s";
        if (ticks % TimeSpan.TicksPerHour == 0) return string.Create(Invariant, $"{ticks / TimeSpan.TicksPerHour}h");
        if (ticks % TimeSpan.TicksPerMinute == 0) return string.Create(Invariant, $"{ticks / TimeSpan.TicksPerMinute}m");
        if (ticks % TimeSpan.TicksPerSecond == 0) return string.Create(Invariant, $"{ticks / TimeSpan.TicksPerSecond}s");
        if (ticks % TimeSpan.TicksPerMillisecond == 0) return string.Create(Invariant, $"{ticks / TimeSpan.TicksPerMillisecond}ms");
        return ((decimal)ticks / TimeSpan.TicksPerMillisecond).ToString(Invariant) + "ms";
    }

    /// <summary>A rate like <c>30/h</c>, <c>0.5/m</c> (or <c>/min</c>), <c>2/s</c>, <c>100/d</c>, as events per hour.</summary>
    public static bool TryParseRate(string text, out double perHour)
    {
        perHour = default;
        var match = RatePattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, Invariant, out var n)) return false;
        perHour = match.Groups["u"].Value switch
        {
            "s" or "sec" => n * 3600,
            "m" or "min" => n * 60,
            "h" or "hour" => n,
            _ => n / 24,
        };
        return double.IsFinite(perHour);
    }

    /// <summary>The canonical form: events per hour, <c>30/h</c>.</summary>
    public static string FormatRate(double perHour) => perHour.ToString("R", Invariant) + "/h";

    /// <summary>A probability: <c>0.02</c> or <c>2%</c>, between 0 and 1.</summary>
    public static bool TryParseProbability(string text, out double probability)
    {
        probability = default;
        var match = ProbabilityPattern().Match(text);
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, Invariant, out var n)) return false;
        probability = match.Groups["pct"].Success ? n / 100 : n;
        return probability is >= 0 and <= 1;
    }

    /// <summary>The canonical form: a plain number.</summary>
    public static string FormatProbability(double probability) => probability.ToString("R", Invariant);

    /// <summary>A plain non-negative number (<c>10</c>, <c>2.5</c>).</summary>
    public static bool TryParseNumber(string text, out double value)
    {
        value = default;
        return NumberPattern().IsMatch(text) && double.TryParse(text, NumberStyles.AllowDecimalPoint, Invariant, out value) && double.IsFinite(value);
    }

    /// <summary>A bandwidth like <c>10MB/s</c> (10⁶), <c>10MiB/s</c> (2²⁰), <c>500KB/s</c>, <c>1GiB/s</c>, <c>800B/s</c>, in bytes per second.</summary>
    public static bool TryParseBandwidth(string text, out long bytesPerSecond)
    {
        bytesPerSecond = default;
        var match = BandwidthPattern().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, Invariant, out var n)) return false;
        decimal unit = match.Groups["u"].Value.ToUpperInvariant() switch
        {
            "B" => 1m,
            "KB" => 1e3m,
            "KIB" => 1024m,
            "MB" => 1e6m,
            "MIB" => 1024m * 1024,
            "GB" => 1e9m,
            _ => 1024m * 1024 * 1024,
        };
        decimal bytes = decimal.Round(n * unit);
        if (bytes > long.MaxValue) return false;
        bytesPerSecond = (long)bytes;
        return true;
    }

    /// <summary>The canonical form: the largest unit that states it exactly, binary units first (<c>2MiB/s</c>, <c>10MB/s</c>, <c>1234B/s</c>).</summary>
    public static string FormatBandwidth(long bytesPerSecond)
    {
        foreach (var (unit, size) in new (string, long)[] { ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10), ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000) })
            if (bytesPerSecond != 0 && bytesPerSecond % size == 0) return string.Create(Invariant, $"{bytesPerSecond / size}{unit}/s");
        return string.Create(Invariant, $"{bytesPerSecond}B/s");
    }
}
