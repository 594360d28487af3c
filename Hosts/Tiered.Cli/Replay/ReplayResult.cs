using Tiered.Cost;
using Tiered.Providers.Local;

namespace Tiered.Cli.Replay;

/// <summary>Request outcomes of a replay.</summary>
internal sealed record ReplayCounts
{
    public long Requests { get; init; }
    /// <summary>First accesses: the registry missed and filled the cache (cold misses).</summary>
    public long ColdFills { get; init; }
    public long Gets { get; init; }
    public long Hits { get; init; }
    /// <summary>GET misses of objects the proxy had evicted to make room (not lost data).</summary>
    public long EvictedMisses { get; init; }
    /// <summary>GET misses of objects that should have been present and that the proxy removed as lost (fewer than k chunks survived).</summary>
    public long LostMisses { get; init; }
    /// <summary>GET misses of objects that should have been present with no removal reported by the proxy (should be 0).</summary>
    public long UnexplainedMisses { get; init; }
    /// <summary>GETs that failed with an error (the object temporarily unreachable, or the request failed).</summary>
    public long GetErrors { get; init; }
    /// <summary>Of the GET errors, those of objects that should have been present (they count against availability).</summary>
    public long UnavailableGets { get; init; }
    /// <summary>GET misses right after a PUT that failed (whether the object was stored is unknown).</summary>
    public long MissesAfterFailedPut { get; init; }
    /// <summary>GETs that returned bytes other than the object's (must be 0).</summary>
    public long WrongBytes { get; init; }
    /// <summary>PUTs after a GET miss (the cache fill).</summary>
    public long Refills { get; init; }
    /// <summary>PUTs the trace asked for on objects already stored (updates).</summary>
    public long Updates { get; init; }
    public long Deletes { get; init; }
    public long PutErrors { get; init; }
    /// <summary>PUT attempts that failed and were retried.</summary>
    public long PutRetries { get; init; }
    /// <summary>GETs of objects that should have been present (not evicted, last PUT succeeded).</summary>
    public long ExpectedPresent { get; init; }
    /// <summary>Of those, GETs that returned the right bytes.</summary>
    public long ServedPresent { get; init; }
    /// <summary>Distinct objects found lost at least once (the proxy removed a version that should have been present as lost).</summary>
    public long ObjectsLost { get; init; }

    /// <summary>Hits over accesses (first-access fills and GETs).</summary>
    public double HitRatio => ColdFills + Gets == 0 ? 0 : (double)Hits / (ColdFills + Gets);

    /// <summary>Hits over GETs.</summary>
    public double GetHitRatio => Gets == 0 ? 0 : (double)Hits / Gets;

    /// <summary>Served over expected-present GETs (1 when there were none).</summary>
    public double Availability => ExpectedPresent == 0 ? 1 : (double)ServedPresent / ExpectedPresent;
}

/// <summary>Latency of PUTs and GET hits in one size class.</summary>
internal sealed record SizeClassLatency(string Name, string Stands, long LowBytes, long? HighBytes, LatencySummary Put, LatencySummary Get);

/// <summary>What the fault injection and the platform's reclaim model did.</summary>
internal sealed record FaultSummary(string Mode, long Faults, long InstancesReclaimed, long Blocked, long ScrubReads, long PlatformInjectedReclaims, long IdleReclaims,
    long TimeoutReclaims, long RecycledReclaims, long Throttled, long InstanceChanges, long Repairs, long ChunksLost);

/// <summary>The proxy's availability machinery over the run (its counters at the end).</summary>
/// <param name="Failovers">Nodes that came back on their backup peer.</param>
/// <param name="Reconciliations">Nodes that came back on another instance than before (failovers included).</param>
/// <param name="Backups">Backups completed.</param>
/// <param name="BackupChunks">Chunks copied to backup peers.</param>
/// <param name="BackupBytes">Bytes copied to backup peers.</param>
/// <param name="BackupFailures">Backups that failed.</param>
/// <param name="BackupDeletes">Chunks deleted from backup peers because their primary no longer held them.</param>
/// <param name="ChunksLost">Chunks confirmed lost.</param>
/// <param name="RepairsQueued">Repairs queued.</param>
/// <param name="Repairs">Chunks rebuilt and stored again.</param>
/// <param name="RepairBytes">Bytes of rebuilt chunks.</param>
/// <param name="Unavailable">GETs the proxy answered as temporarily unavailable.</param>
/// <param name="Evictions">Objects evicted for room.</param>
/// <param name="ObjectsRemovedLost">Object versions the proxy removed as lost.</param>
internal sealed record ProxyFigures(long Failovers, long Reconciliations, long Backups, long BackupChunks, long BackupBytes, long BackupFailures, long BackupDeletes,
    long ChunksLost, long RepairsQueued, long Repairs, long RepairBytes, long Unavailable, long Evictions, long ObjectsRemovedLost);

/// <summary>The cost of the run and its extrapolation to the unscaled workload.</summary>
/// <param name="Scaled">The run as metered.</param>
/// <param name="PlatformGbSeconds">The platform's own metering of billed GB-s (cross-check of the meter).</param>
/// <param name="PlatformInvocations">The platform's count of invocations that ran.</param>
/// <param name="PlatformUsage">The platform's usage snapshot.</param>
/// <param name="PeakCachedBytes">Peak bytes of objects cached (no parity), scaled.</param>
/// <param name="PeakStoredBytes">Peak bytes of chunks stored (with parity), scaled.</param>
/// <param name="UnscaledNodes">Nodes of the configured memory needed to hold the unscaled peak (at the proxy's 80 % fill).</param>
/// <param name="ExtrapolationFactor">Unscaled nodes over nodes run: the factor GB-s and invocations are multiplied by.</param>
/// <param name="Unscaled">The extrapolated report.</param>
internal sealed record ReplayCost(CostReport Scaled, double PlatformGbSeconds, long PlatformInvocations, LocalPlatformUsage PlatformUsage,
    long PeakCachedBytes, long PeakStoredBytes, int UnscaledNodes, double ExtrapolationFactor, CostReport Unscaled)
{
    /// <summary>The same run (scaled) priced by each platform of <c>--platforms</c>.</summary>
    public IReadOnlyList<PlatformCost> Platforms { get; init; } = [];
}

/// <summary>Everything one replay run measured (one backup mode).</summary>
internal sealed record ReplayResult(
    ReplaySettings Settings,
    bool BackupEnabled,
    int Objects,
    long FootprintBytes,
    long MaxObjectBytes,
    TimeSpan Simulated,
    TimeSpan Real,
    double LagP99Ms,
    double LagMaxMs,
    ReplayCounts Counts,
    IReadOnlyList<SizeClassLatency> Latency,
    FaultSummary Faults,
    ReplayCost Cost,
    IReadOnlyList<CostSample> CostCurve,
    IReadOnlyList<HourFigures> Hours,
    IReadOnlyList<HourEvents> HourEvents,
    ProxyFigures Proxy,
    IReadOnlyList<ProxyEventLog.JournalEntry> Journal,
    IReadOnlyList<ReclaimRecord> Reclaims)
{
    /// <summary>The availability bar for the hourly figure: 99.9 %.</summary>
    public const double HourlyBar = 0.999;

    /// <summary>How the run is labelled: with backup, or without.</summary>
    public string Mode => BackupEnabled ? "with backup" : "without backup";

    /// <summary>The hours that had GETs of objects that should have been present.</summary>
    public IEnumerable<HourFigures> MeasuredHours => Hours.Where(h => h.Availability is not null);

    /// <summary>The lowest hourly availability (1 when no hour had a GET of a present object).</summary>
    public double MinHourlyAvailability => MeasuredHours.Select(h => h.Availability!.Value).DefaultIfEmpty(1).Min();

    /// <summary>The mean of the hourly availabilities (1 when no hour had a GET of a present object).</summary>
    public double MeanHourlyAvailability => MeasuredHours.Select(h => h.Availability!.Value).DefaultIfEmpty(1).Average();

    /// <summary>Every hour at or above <see cref="HourlyBar"/>, and never wrong bytes.</summary>
    public bool MeetsBar => Counts.WrongBytes == 0 && MinHourlyAvailability >= HourlyBar;
}
