using System.Collections.Concurrent;
using Tiered.Functions;

namespace Tiered.Proxy;

/// <summary>The proxy's named counters (also served by the Stats request).</summary>
public sealed class ProxyCounters
{
    public const string Hits = "hits";
    public const string Misses = "misses";
    public const string Puts = "puts";
    public const string Deletes = "deletes";
    public const string BytesIn = "bytes_in";
    public const string BytesOut = "bytes_out";
    public const string ChunksLost = "chunks_lost";
    public const string ChunksCorrupt = "chunks_corrupt";
    public const string Repairs = "repairs";
    public const string Evictions = "evictions";
    public const string RefusedNodes = "refused_nodes";
    public const string ProtocolErrors = "protocol_errors";
    public const string Unavailable = "unavailable";
    public const string Backups = "backups";
    public const string BackupChunks = "backup_chunks";
    public const string BackupBytes = "backup_bytes";
    public const string BackupDeletes = "backup_deletes";
    public const string BackupFailures = "backup_failures";
    public const string Failovers = "failovers";
    public const string Reconciliations = "reconciliations";
    public const string ScrubbedChunks = "scrubbed_chunks";
    public const string RepairsQueued = "repairs_queued";
    public const string RepairBytes = "repair_bytes";

    private readonly ConcurrentDictionary<string, long> _values = new(StringComparer.Ordinal);
    private readonly ProxyMetrics? _metrics;

    public ProxyCounters(ProxyMetrics? metrics = null) => _metrics = metrics;

    public void Increment(string name, long by = 1)
    {
        _values.AddOrUpdate(name, by, (_, v) => v + by);
        _metrics?.Record(name, by);
    }

    public void Invocation(InvocationKind kind)
    {
        _values.AddOrUpdate("invocations_" + kind.ToString().ToLowerInvariant(), 1, (_, v) => v + 1);
        _metrics?.Invocation(kind);
    }

    public long this[string name] => _values.TryGetValue(name, out long v) ? v : 0;

    public Dictionary<string, long> Snapshot() => new(_values, StringComparer.Ordinal);
}
