using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Tiered.Providers.AwsLambda;

/// <summary>
/// The platform's <c>REPORT</c> line from the log tail of an invocation (<c>X-Amz-Log-Result</c>, base64, the last 4 KB of
/// its log): <c>REPORT RequestId: … Duration: 12.34 ms Billed Duration: 13 ms Memory Size: 128 MB Max Memory Used: 35 MB
/// Init Duration: 150.20 ms</c> (fields separated by tabs on AWS; spaces are accepted too). <c>Init Duration</c> is present
/// only when the invocation cold-started its instance.
/// </summary>
/// <param name="RequestId">The invocation's request id, or null.</param>
/// <param name="Duration">How long the handler ran.</param>
/// <param name="BilledDuration">What was billed.</param>
/// <param name="MemorySizeMiB">The instance's configured memory, or null when the line does not say.</param>
/// <param name="InitDuration">The cold start's init phase, or null for a warm instance.</param>
internal sealed partial record LambdaReport(string? RequestId, TimeSpan Duration, TimeSpan BilledDuration, int? MemorySizeMiB, TimeSpan? InitDuration)
{
    public bool ColdStart => InitDuration is not null;

    /// <summary>The REPORT of a base64 log tail, or null when there is none (no header, bad base64, no REPORT line).</summary>
    public static LambdaReport? FromLogResult(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64)) return null;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            return null;
        }
        return Parse(Encoding.UTF8.GetString(bytes));
    }

    /// <summary>The last REPORT line of <paramref name="log"/>, or null.</summary>
    public static LambdaReport? Parse(string log)
    {
        ArgumentNullException.ThrowIfNull(log);
        int at = log.LastIndexOf("REPORT ", StringComparison.Ordinal);
        while (at > 0 && log[at - 1] is not ('\n' or '\r')) at = log.LastIndexOf("REPORT ", at - 1, StringComparison.Ordinal);
        if (at < 0) return null;
        int end = log.IndexOfAny(['\n', '\r'], at);
        string line = end < 0 ? log[at..] : log[at..end];

        var duration = DurationField().Match(line);
        var billed = BilledField().Match(line);
        if (!duration.Success || !billed.Success) return null;
        var memory = MemoryField().Match(line);
        var init = InitField().Match(line);
        var requestId = RequestIdField().Match(line);
        return new LambdaReport(
            requestId.Success ? requestId.Groups["v"].Value : null,
            Milliseconds(duration),
            Milliseconds(billed),
            memory.Success && int.TryParse(memory.Groups["v"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int mib) ? mib : null,
            init.Success ? Milliseconds(init) : null);
    }

    private static TimeSpan Milliseconds(Match match) =>
        TimeSpan.FromMilliseconds(double.Parse(match.Groups["v"].ValueSpan, NumberStyles.Float, CultureInfo.InvariantCulture));

    [GeneratedRegex(@"(?<!(?:Billed|Init|Restore)\s+)\bDuration:\s*(?<v>\d+(?:\.\d+)?)\s*ms", RegexOptions.CultureInvariant)]
    private static partial Regex DurationField();

    [GeneratedRegex(@"\bBilled Duration:\s*(?<v>\d+(?:\.\d+)?)\s*ms", RegexOptions.CultureInvariant)]
    private static partial Regex BilledField();

    [GeneratedRegex(@"\bMemory Size:\s*(?<v>\d+)\s*MB", RegexOptions.CultureInvariant)]
    private static partial Regex MemoryField();

    [GeneratedRegex(@"\bInit Duration:\s*(?<v>\d+(?:\.\d+)?)\s*ms", RegexOptions.CultureInvariant)]
    private static partial Regex InitField();

    [GeneratedRegex(@"\bRequestId:\s*(?<v>[^\s]+)", RegexOptions.CultureInvariant)]
    private static partial Regex RequestIdField();
}
