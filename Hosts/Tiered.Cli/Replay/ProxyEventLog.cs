using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tiered.Proxy;

namespace Tiered.Cli.Replay;

/// <summary>
/// What the replay needs to classify misses: the proxy's own reason for the last removal of each key's version
/// (<see cref="TierProxy.ObjectRemoved"/>: evicted for room, expired, lost because fewer than k chunks survived, …),
/// recorded with the version it removed; and, as a logger factory for the proxy that writes nothing to the console, the
/// counts of some of its log events and a bounded journal of those that explain availability (reconciliations, lost
/// objects, backups and their failures, failed repairs), stamped with the tier's simulated time.
/// </summary>
/// <remarks>
/// A GET can miss before the removal event that explains it has been raised: the proxy takes an object out of its
/// directory (an eviction at another PUT's commit, say) and tells observers right after, on that thread. So a miss is
/// classified by <see cref="WaitForRemovalAsync"/>, which waits briefly for the event of the version the GET expected,
/// rather than by whatever had been seen when the GET returned; and events of older versions arriving late never
/// explain a miss of a newer one.
/// </remarks>
internal sealed class ProxyEventLog(Func<TimeSpan> clock) : ILoggerFactory, ILogger
{
    private const int JournalCapacity = 20_000;
    private static readonly HashSet<string> s_journaled = new(StringComparer.Ordinal)
    {
        "LogReconciled", "LogReconcileFailed", "LogObjectLost", "LogBackedUp", "LogBackupFailed", "LogRepairFailed", "LogRepairMismatch", "LogCorruptChunk",
    };
    private readonly ConcurrentQueue<JournalEntry> _journal = new();
    private int _journalCount;

    private readonly ConcurrentDictionary<string, Removal> _removals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);
    private long _sequence, _evictions, _lost, _instanceChanges, _repairFailures;

    /// <summary>Raised when the proxy evicts (or expires) an object version, with its key and version.</summary>
    public event Action<string, long>? Evicted;

    public long Evictions => Interlocked.Read(ref _evictions);
    public long ObjectsLost => Interlocked.Read(ref _lost);
    /// <summary>Nodes that dialled back from another instance than before (reconciled).</summary>
    public long InstanceChanges => Interlocked.Read(ref _instanceChanges);
    public long RepairFailures => Interlocked.Read(ref _repairFailures);

    /// <summary>A number that grows with every removal recorded (take it before a PUT to recognise later removals).</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    /// <summary>The journal: proxy events that explain availability, oldest first (at most the first 20,000).</summary>
    public IReadOnlyList<JournalEntry> Journal => [.. _journal];

    /// <summary>One journaled proxy log event.</summary>
    public readonly record struct JournalEntry(TimeSpan At, string Event, string Message);

    /// <summary>One removal of a key's version, as the proxy reported it.</summary>
    public readonly record struct Removal(long Version, ObjectRemovalReason Reason, long Sequence);

    /// <summary>
    /// Why the key's stored version left the directory, if it did: the latest removal of <paramref name="version"/> or a
    /// newer one; when the version is not known (0), the latest removal recorded after <paramref name="sinceSequence"/>.
    /// </summary>
    public Removal? RemovalOf(string key, long version, long sinceSequence)
    {
        if (!_removals.TryGetValue(key, out var r)) return null;
        return version > 0 ? (r.Version >= version ? r : null) : (r.Sequence > sinceSequence ? r : null);
    }

    /// <summary>
    /// <see cref="RemovalOf"/>, waiting up to <paramref name="timeout"/> (real time) for the removal to be reported: a miss
    /// can reach the client just before the proxy has told its observers why.
    /// </summary>
    public async Task<Removal?> WaitForRemovalAsync(string key, long version, long sinceSequence, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var waiter = _waiters.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            if (RemovalOf(key, version, sinceSequence) is { } found) return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            try { await waiter.Task.WaitAsync(left); }
            catch (TimeoutException) { return RemovalOf(key, version, sinceSequence); }
        }
    }

    /// <summary>Follows the proxy's removals.</summary>
    public void Observe(TierProxy proxy) => proxy.ObjectRemoved += Record;

    /// <summary>Records one removal (what <see cref="TierProxy.ObjectRemoved"/> reports) and wakes the misses waiting for it.</summary>
    internal void Record(ObjectEntry entry, ObjectRemovalReason reason)
    {
        long sequence = Interlocked.Increment(ref _sequence);
        _removals.AddOrUpdate(entry.Key, new Removal(entry.Version, reason, sequence),
            (_, old) => entry.Version >= old.Version ? new Removal(entry.Version, reason, sequence) : old);
        if (_waiters.TryRemove(entry.Key, out var waiter)) waiter.TrySetResult();
        switch (reason)
        {
            case ObjectRemovalReason.Evicted or ObjectRemovalReason.Expired:
                Interlocked.Increment(ref _evictions);
                Evicted?.Invoke(entry.Key, entry.Version);
                break;
            case ObjectRemovalReason.Lost:
                Interlocked.Increment(ref _lost);
                break;
        }
    }

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string? name = eventId.Name;
        switch (name)
        {
            case "LogReconciled":
                Interlocked.Increment(ref _instanceChanges);
                break;
            case "LogRepairFailed":
                Interlocked.Increment(ref _repairFailures);
                break;
        }
        if (name is not null && s_journaled.Contains(name) && Interlocked.Increment(ref _journalCount) <= JournalCapacity)
            _journal.Enqueue(new JournalEntry(clock(), name, formatter(state, exception)));
    }

    // Debug for the backups' journal entries (which peer holds which primary's copy); only journaled events are formatted.
    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) { }

    public void Dispose() { }
}
