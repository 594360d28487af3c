using System.Runtime.InteropServices;

namespace Tiered.Workload;

/// <summary>
/// The registry statistics of DESIGN §1 measured on a trace, so tests and the replay report can show them.
/// An object's size is the size at its first request; an access is a PUT or a GET (DELETEs are counted apart).
/// </summary>
/// <param name="RequestCount">Requests in the trace.</param>
/// <param name="Puts">PUT requests (first accesses, refills after a DELETE, and updates).</param>
/// <param name="Gets">GET requests.</param>
/// <param name="Deletes">DELETE requests.</param>
/// <param name="Span">Time from the first request to the last.</param>
/// <param name="DistinctObjects">Distinct keys.</param>
/// <param name="LargeObjectThresholdBytes">Objects strictly above this many bytes are "large".</param>
/// <param name="ReuseWindow">The window of <see cref="LargeObjectsReusedWithinWindowShare"/> (one hour in DESIGN §1).</param>
/// <param name="MinObjectBytes">Smallest object.</param>
/// <param name="MaxObjectBytes">Largest object.</param>
/// <param name="SizeOrdersOfMagnitude">log10(max / min): the span of sizes as a ratio.</param>
/// <param name="SizeDecadesSpanned">Powers of ten [10^k, 10^(k+1)) from the smallest object's to the largest's (1 B … 256 MiB: 10^0 … 10^8, nine decades).</param>
/// <param name="LargeObjects">Objects above the threshold.</param>
/// <param name="LargeObjectCountShare">Large objects / all objects (DESIGN §1: &gt; 20 %).</param>
/// <param name="FootprintBytes">Sum of the sizes of distinct objects.</param>
/// <param name="LargeObjectFootprintShare">Bytes in large objects / footprint (DESIGN §1: 95 %).</param>
/// <param name="LargeObjectsAccessedTenPlusShare">Large objects accessed ≥ 10 times / large objects (DESIGN §1: &gt; 30 %).</param>
/// <param name="LargeObjectsReusedWithinWindowShare">Large objects with two consecutive accesses no more than <paramref name="ReuseWindow"/> apart / large objects (DESIGN §1: 35–45 %).</param>
/// <param name="TopOnePercentAccessShare">Accesses going to the most accessed 1 % of keys (at least one key).</param>
/// <param name="ZipfExponentEstimate">Minus the least-squares slope of log(accesses) against log(rank) over the top 10 % of keys (at least 2): near the Zipf exponent when popularity is Zipf-like.</param>
public sealed record WorkloadStatistics(
    long RequestCount,
    long Puts,
    long Gets,
    long Deletes,
    TimeSpan Span,
    int DistinctObjects,
    long LargeObjectThresholdBytes,
    TimeSpan ReuseWindow,
    long MinObjectBytes,
    long MaxObjectBytes,
    double SizeOrdersOfMagnitude,
    int SizeDecadesSpanned,
    int LargeObjects,
    double LargeObjectCountShare,
    long FootprintBytes,
    double LargeObjectFootprintShare,
    double LargeObjectsAccessedTenPlusShare,
    double LargeObjectsReusedWithinWindowShare,
    double TopOnePercentAccessShare,
    double ZipfExponentEstimate)
{
    /// <summary>Accesses an object needs to count as "accessed 10+ times".</summary>
    public const int FrequentAccessCount = 10;

    /// <summary>Measures a generated trace against its own (scaled) threshold, with the one-hour reuse window.</summary>
    public static WorkloadStatistics Compute(IEnumerable<WorkloadRequest> requests, WorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Compute(requests, options.ScaledLargeObjectThresholdBytes);
    }

    /// <summary>Measures any trace in one pass (a dictionary entry per distinct key).</summary>
    /// <param name="requests">Requests in non-decreasing time order.</param>
    /// <param name="largeObjectThresholdBytes">Objects strictly above this are large (default 10 MiB).</param>
    /// <param name="reuseWindow">The reuse window (default one hour).</param>
    public static WorkloadStatistics Compute(IEnumerable<WorkloadRequest> requests, long largeObjectThresholdBytes = 10 * WorkloadOptions.MiB, TimeSpan? reuseWindow = null)
    {
        ArgumentNullException.ThrowIfNull(requests);
        TimeSpan window = reuseWindow ?? TimeSpan.FromHours(1);
        var tallies = new Dictionary<string, KeyTally>(StringComparer.Ordinal);
        long total = 0, puts = 0, gets = 0, deletes = 0;
        TimeSpan first = TimeSpan.Zero, last = TimeSpan.Zero;

        foreach (WorkloadRequest request in requests)
        {
            if (total == 0) first = request.At;
            last = request.At;
            total++;
            ref KeyTally tally = ref CollectionsMarshal.GetValueRefOrAddDefault(tallies, request.Key, out bool existed);
            if (!existed) tally.Size = request.Size;
            switch (request.Op)
            {
                case WorkloadOp.Delete:
                    deletes++;
                    continue;
                case WorkloadOp.Put: puts++; break;
                default: gets++; break;
            }
            if (tally.Accesses > 0 && request.At - tally.LastAccess <= window) tally.ReusedWithinWindow = true;
            tally.Accesses++;
            tally.LastAccess = request.At;
        }

        return Summarise(tallies, total, puts, gets, deletes, last - first, largeObjectThresholdBytes, window);
    }

    private static WorkloadStatistics Summarise(Dictionary<string, KeyTally> tallies, long total, long puts, long gets, long deletes,
        TimeSpan span, long threshold, TimeSpan window)
    {
        long min = long.MaxValue, max = 0, footprint = 0, largeBytes = 0;
        int large = 0, largeFrequent = 0, largeReused = 0;
        int[] accessCounts = new int[tallies.Count];
        int k = 0;
        foreach (KeyTally t in tallies.Values)
        {
            accessCounts[k++] = t.Accesses;
            min = Math.Min(min, t.Size);
            max = Math.Max(max, t.Size);
            footprint += t.Size;
            if (t.Size <= threshold) continue;
            large++;
            largeBytes += t.Size;
            if (t.Accesses >= FrequentAccessCount) largeFrequent++;
            if (t.ReusedWithinWindow) largeReused++;
        }
        if (tallies.Count == 0) min = 0;

        Array.Sort(accessCounts, (a, b) => b.CompareTo(a));
        long accesses = puts + gets;
        int top = Math.Max(1, (int)Math.Ceiling(accessCounts.Length * 0.01));
        long topAccesses = 0;
        for (int i = 0; i < Math.Min(top, accessCounts.Length); i++) topAccesses += accessCounts[i];

        return new WorkloadStatistics(
            total, puts, gets, deletes, span, tallies.Count, threshold, window, min, max,
            SizeOrdersOfMagnitude: min > 0 ? Math.Log10((double)max / min) : 0,
            SizeDecadesSpanned: min > 0 ? Decade(max) - Decade(min) + 1 : 0,
            large, Share(large, tallies.Count), footprint, Share(largeBytes, footprint),
            Share(largeFrequent, large), Share(largeReused, large), Share(topAccesses, accesses),
            ZipfSlope(accessCounts));
    }

    private static int Decade(long value)
    {
        int decade = 0;
        for (long v = value; v >= 10; v /= 10) decade++;
        return decade;
    }

    private static double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static double ZipfSlope(int[] descendingCounts)
    {
        int n = Math.Max(2, descendingCounts.Length / 10);
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        int points = 0;
        for (int r = 0; r < Math.Min(n, descendingCounts.Length) && descendingCounts[r] > 0; r++)
        {
            double x = Math.Log(r + 1), y = Math.Log(descendingCounts[r]);
            sx += x; sy += y; sxx += x * x; sxy += x * y;
            points++;
        }
        double denominator = points * sxx - sx * sx;
        return points < 2 || denominator == 0 ? 0 : -(points * sxy - sx * sy) / denominator;
    }

    private struct KeyTally
    {
        public long Size;
        public int Accesses;
        public TimeSpan LastAccess;
        public bool ReusedWithinWindow;
    }
}
