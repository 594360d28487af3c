using System.Globalization;
using System.Net.Http.Headers;

namespace Tiered.Functions;

/// <summary>
/// How long a function backend waits before retrying an invocation: what the service asked for (<c>Retry-After</c>), else
/// full-jitter exponential backoff. Shared by the HTTP-based backends (AWS Lambda, Azure Functions, Cloud Run).
/// </summary>
public static class RetryDelays
{
    /// <summary>
    /// The <c>Retry-After</c> of <paramref name="headers"/> as a delay from <paramref name="now"/>: delta seconds (<c>2</c>, also
    /// fractional) or an HTTP date (a date in the past is zero); null when absent or unreadable.
    /// </summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        if (headers.RetryAfter is { } typed)
        {
            if (typed.Delta is { } delta) return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
            if (typed.Date is { } date) return date <= now ? TimeSpan.Zero : date - now;
        }
        return headers.NonValidated.TryGetValues("Retry-After", out var raw) ? Parse(raw.ToString(), now) : null;
    }

    /// <summary>A raw <c>Retry-After</c> value as a delay from <paramref name="now"/>, or null.</summary>
    public static TimeSpan? Parse(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        value = value.Trim();
        if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double seconds) && double.IsFinite(seconds))
            return TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.MaxValue.TotalSeconds / 2));
        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
            return date <= now ? TimeSpan.Zero : date - now;
        return null;
    }

    /// <summary>Full jitter: a uniformly random delay in [0, min(<paramref name="maxDelay"/>, <paramref name="baseDelay"/> × 2^<paramref name="retry"/>)).</summary>
    public static TimeSpan Backoff(int retry, TimeSpan baseDelay, TimeSpan maxDelay, Random random)
    {
        double cap = retry >= 62 ? maxDelay.Ticks : Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, retry));
        return TimeSpan.FromTicks((long)(random.NextDouble() * cap));
    }

    /// <summary>The cap of <see cref="Backoff"/> for <paramref name="retry"/> (for tests and docs).</summary>
    public static TimeSpan BackoffCap(int retry, TimeSpan baseDelay, TimeSpan maxDelay) =>
        TimeSpan.FromTicks((long)(retry >= 62 ? maxDelay.Ticks : Math.Min(maxDelay.Ticks, baseDelay.Ticks * Math.Pow(2, retry))));
}
