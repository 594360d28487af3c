using Tiered.Functions;

namespace Tiered.Cost;

/// <summary>
/// Accumulates billed function use while a tier runs: per invocation kind, the count, the billed duration and the
/// billed GB-seconds under one <see cref="FunctionPricing"/>, plus the peak cache footprint for the comparison.
/// Thread-safe and lock-free (interlocked counters); a <see cref="Snapshot"/> taken while others record reads each
/// counter atomically but not all of them at one instant.
/// </summary>
public sealed class CostMeter
{
    private static readonly int KindCount = Enum.GetValues<InvocationKind>().Max(k => (int)k) + 1;

    private readonly long[] _invocations = new long[KindCount];
    private readonly long[] _billedTicks = new long[KindCount];
    private readonly double[] _gbSeconds = new double[KindCount];
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private long _peakCacheBytes;
    // Every invocation as it ran, so one run can be priced again under another platform's billing rules.
    private readonly System.Collections.Concurrent.ConcurrentQueue<(InvocationKind Kind, long DurationTicks, long MemoryBytes)> _runs = new();

    /// <summary>A meter billing by <paramref name="pricing"/>, measuring elapsed time on <paramref name="timeProvider"/> (the system clock when null; pass the tier's, possibly compressed, clock).</summary>
    public CostMeter(FunctionPricing pricing, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        Pricing = pricing.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _startTimestamp = _time.GetTimestamp();
    }

    /// <summary>The pricing that turns durations into billed durations and GB-seconds.</summary>
    public FunctionPricing Pricing { get; }

    /// <summary>Time since the meter was created, on its time provider.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_startTimestamp);

    /// <summary>The largest footprint passed to <see cref="ObserveCacheFootprint"/>.</summary>
    public long PeakCacheFootprintBytes => Interlocked.Read(ref _peakCacheBytes);

    /// <summary>Records one invocation that ran <paramref name="duration"/> with <paramref name="memoryBytes"/> configured; returns its billed duration.</summary>
    public TimeSpan Record(InvocationKind kind, TimeSpan duration, long memoryBytes)
    {
        int index = (int)kind;
        if ((uint)index >= (uint)KindCount) throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown invocation kind");
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBytes);
        _runs.Enqueue((kind, Math.Max(0, duration.Ticks), memoryBytes));
        TimeSpan billed = Pricing.BilledDuration(duration);
        double gbSeconds = Pricing.BilledMemoryGb(memoryBytes) * billed.TotalSeconds;
        Interlocked.Increment(ref _invocations[index]);
        Interlocked.Add(ref _billedTicks[index], billed.Ticks);
        AddDouble(ref _gbSeconds[index], gbSeconds);
        return billed;
    }

    /// <summary>
    /// Records a platform's invocation result under the invocation's kind. The meter bills <see cref="InvocationResult.Duration"/>
    /// by its own <see cref="Pricing"/> (not the platform's <see cref="InvocationResult.BilledDuration"/>), so one run can be
    /// priced for any provider; failed invocations are billed too, as providers do.
    /// </summary>
    public TimeSpan Record(FunctionInvocation invocation, InvocationResult result)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentNullException.ThrowIfNull(result);
        return Record(invocation.Kind, result.Duration, result.MemoryBytes);
    }

    /// <summary>Notes the bytes the tier currently caches; the peak sizes the cache-node side of the report.</summary>
    public void ObserveCacheFootprint(long cacheBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cacheBytes);
        long seen = Interlocked.Read(ref _peakCacheBytes);
        while (cacheBytes > seen)
        {
            long witnessed = Interlocked.CompareExchange(ref _peakCacheBytes, cacheBytes, seen);
            if (witnessed == seen) return;
            seen = witnessed;
        }
    }

    /// <summary>The use recorded so far, by kind.</summary>
    public CostUsage Snapshot()
    {
        var byKind = new List<KeyValuePair<InvocationKind, InvocationUsage>>(KindCount);
        foreach (InvocationKind kind in Enum.GetValues<InvocationKind>())
        {
            int i = (int)kind;
            byKind.Add(new(kind, new InvocationUsage(
                Interlocked.Read(ref _invocations[i]),
                TimeSpan.FromTicks(Interlocked.Read(ref _billedTicks[i])),
                Volatile.Read(ref _gbSeconds[i]))));
        }
        return new CostUsage(byKind);
    }

    /// <summary>The use recorded so far, by kind, as <paramref name="pricing"/> would bill the same invocations.</summary>
    public CostUsage SnapshotAs(FunctionPricing pricing)
    {
        ArgumentNullException.ThrowIfNull(pricing);
        pricing.Validate();
        var invocations = new long[KindCount];
        var billedTicks = new long[KindCount];
        var gbSeconds = new double[KindCount];
        foreach (var (kind, durationTicks, memoryBytes) in _runs)
        {
            int i = (int)kind;
            var billed = pricing.BilledDuration(TimeSpan.FromTicks(durationTicks));
            invocations[i]++;
            billedTicks[i] += billed.Ticks;
            gbSeconds[i] += pricing.BilledMemoryGb(memoryBytes) * billed.TotalSeconds;
        }
        return new CostUsage(Enum.GetValues<InvocationKind>().Select(k => new KeyValuePair<InvocationKind, InvocationUsage>(k,
            new InvocationUsage(invocations[(int)k], TimeSpan.FromTicks(billedTicks[(int)k]), gbSeconds[(int)k]))));
    }

    /// <summary>The report the same run would have under <paramref name="prices"/> (another platform's billing and prices).</summary>
    public CostReport ReportAs(PriceTable prices, TimeSpan? elapsed = null, long? cacheBytes = null)
    {
        ArgumentNullException.ThrowIfNull(prices);
        return CostReport.Compute(SnapshotAs(prices.Functions), elapsed ?? Elapsed, cacheBytes ?? PeakCacheFootprintBytes, prices);
    }

    /// <summary>
    /// The report for the use so far over <paramref name="elapsed"/> (default: <see cref="Elapsed"/>), sizing the cache
    /// nodes for <paramref name="cacheBytes"/> (default: <see cref="PeakCacheFootprintBytes"/>).
    /// </summary>
    public CostReport Report(CacheNodePricing cacheNode, TimeSpan? elapsed = null, long? cacheBytes = null) =>
        CostReport.Compute(Snapshot(), elapsed ?? Elapsed, cacheBytes ?? PeakCacheFootprintBytes, new PriceTable(Pricing, cacheNode));

    private static void AddDouble(ref double target, double value)
    {
        double seen = Volatile.Read(ref target);
        while (true)
        {
            double witnessed = Interlocked.CompareExchange(ref target, seen + value, seen);
            if (witnessed.Equals(seen)) return;
            seen = witnessed;
        }
    }
}
