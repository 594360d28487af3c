using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Nodes;

namespace Tiered.Chaos;

/// <summary>
/// Silent corruption of stored chunks, as bit rot would do it: flips bytes of a <see cref="StoredChunk"/>'s data in
/// place, in the memory of a node tracked by a <see cref="ChaosNodeRegistry"/>, <b>without</b> updating its checksum —
/// so the node keeps serving the chunk, and only the checksums (proxy, client) can tell. At a rate (a Poisson process on
/// the given <see cref="TimeProvider"/>, started at construction) and on demand. With a seed, the same clock steps over
/// the same stores corrupt the same bytes.
/// </summary>
public sealed class ChunkCorrupter : IAsyncDisposable
{
    private readonly ChaosNodeRegistry _nodes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ChaosMetrics _metrics;
    private readonly bool _ownsMetrics;
    private readonly ChaosRandom _random;
    private readonly HashSet<string>? _functions;
    private readonly FaultSchedule _schedule;
    private readonly Lock _gate = new();
    private long _corrupted, _missed;
    private int _disposed;

    /// <summary>Creates the corrupter and starts its rate.</summary>
    /// <param name="nodes">Where the nodes are.</param>
    /// <param name="options">Rate, bytes per corruption, scope, seed.</param>
    /// <param name="timeProvider">The clock of the rate; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where each corruption is logged.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Chaos</c> meter; when null the corrupter owns a plain one.</param>
    public ChunkCorrupter(ChaosNodeRegistry nodes, ChunkCorrupterOptions? options = null, TimeProvider? timeProvider = null, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : this(nodes, options, timeProvider, logger, new ChaosMetrics(meterFactory), ownsMetrics: true)
    {
    }

    internal ChunkCorrupter(ChaosNodeRegistry nodes, ChunkCorrupterOptions? options, TimeProvider? timeProvider, ILogger? logger, ChaosMetrics metrics, bool ownsMetrics)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = nodes;
        Options = (options ?? new ChunkCorrupterOptions()).Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _metrics = metrics;
        _ownsMetrics = ownsMetrics;
        _random = new ChaosRandom(ChaosRandom.Derive(Options.Seed, "corrupter.picks"));
        _functions = Options.Functions is { } f ? new HashSet<string>(f, StringComparer.Ordinal) : null;
        _schedule = new FaultSchedule(_time, new ChaosRandom(ChaosRandom.Derive(Options.Seed, "corrupter.schedule")), Options.RatePerHour, null, [],
            (trigger, at) => CorruptRandom(trigger, at));
        if (!_schedule.IsEmpty) ChaosLog.CorrupterStarted(_logger, Options.RatePerHour, _functions is null ? "any function" : string.Join(", ", _functions));
        _schedule.Start(_time.GetUtcNow());
    }

    /// <summary>What the corrupter was built with.</summary>
    public ChunkCorrupterOptions Options { get; }

    /// <summary>Chunks corrupted so far.</summary>
    public long CorruptionCount => Interlocked.Read(ref _corrupted);

    /// <summary>Corruptions that found no chunk to corrupt.</summary>
    public long MissedCount => Interlocked.Read(ref _missed);

    /// <summary>Raised after each corruption, on the thread that made it. A throwing handler is logged and ignored.</summary>
    public event EventHandler<ChunkCorruption>? Corrupted;

    /// <summary>Corrupts one chunk picked uniformly among every chunk of every eligible live node.</summary>
    /// <returns>What was corrupted; null when no node held a non-empty chunk.</returns>
    public ChunkCorruption? CorruptRandomChunk()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return CorruptRandom(ChaosTrigger.Manual, _time.GetUtcNow());
    }

    /// <summary>Corrupts chunk <paramref name="index"/> of version <paramref name="version"/> of <paramref name="key"/> wherever a tracked node holds it (normally on one node).</summary>
    /// <returns>What was corrupted (empty when no node holds that chunk).</returns>
    public IReadOnlyList<ChunkCorruption> Corrupt(string key, long version, int index)
    {
        ArgumentNullException.ThrowIfNull(key);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var done = new List<ChunkCorruption>();
        lock (_gate)
        {
            foreach (var (function, instance, store) in EligibleStores())
                if (store.TryGet(key, version, index, out var chunk) && chunk.Data.Length > 0)
                    done.Add(CorruptLocked(function, instance, (key, version, index), chunk, ChaosTrigger.Manual, _time.GetUtcNow()));
        }
        foreach (var corruption in done) Raise(corruption);
        return done;
    }

    /// <summary>Corrupts chunk <paramref name="index"/> of the newest version of <paramref name="key"/> that a tracked node holds.</summary>
    public IReadOnlyList<ChunkCorruption> Corrupt(string key, int index)
    {
        ArgumentNullException.ThrowIfNull(key);
        long? newest = EligibleStores().SelectMany(s => s.Store.Enumerate()).Where(c => c.Id.Key == key && c.Id.Index == index)
            .Select(c => (long?)c.Id.Version).Max();
        return newest is { } version ? Corrupt(key, version, index) : [];
    }

    private ChunkCorruption? CorruptRandom(ChaosTrigger trigger, DateTimeOffset at)
    {
        ChunkCorruption? done = null;
        lock (_gate)
        {
            var candidates = EligibleStores()
                .SelectMany(s => s.Store.Enumerate().Where(c => c.Chunk.Data.Length > 0).Select(c => (s.FunctionName, s.InstanceId, c.Id, c.Chunk)))
                .OrderBy(c => c.InstanceId, StringComparer.Ordinal).ThenBy(c => c.Id.Key, StringComparer.Ordinal).ThenBy(c => c.Id.Version).ThenBy(c => c.Id.Index)
                .ToArray();
            if (candidates.Length > 0)
            {
                var (function, instance, id, chunk) = candidates[_random.Next(0, candidates.Length)];
                done = CorruptLocked(function, instance, id, chunk, trigger, at);
            }
        }
        if (done is null)
        {
            Interlocked.Increment(ref _missed);
            ChaosLog.NothingToCorrupt(_logger, trigger);
            return null;
        }
        Raise(done);
        return done;
    }

    private ChunkCorruption CorruptLocked(string function, string instance, (string Key, long Version, int Index) id, StoredChunk chunk, ChaosTrigger trigger, DateTimeOffset at)
    {
        var data = chunk.Data;
        int count = Math.Min(Options.BytesPerCorruption, data.Length);
        var positions = Sample(data.Length, count);
        Span<byte> flip = stackalloc byte[1];
        foreach (int position in positions)
        {
            // A non-zero XOR mask always changes the byte.
            _random.NextBytes(flip);
            data[position] ^= flip[0] == 0 ? (byte)0x01 : flip[0];
        }
        Interlocked.Increment(ref _corrupted);
        _metrics.Fault(ChaosFaultKinds.CorruptChunk, function);
        ChaosLog.Corrupted(_logger, id.Key, id.Version, id.Index, instance, count, trigger);
        return new ChunkCorruption(function, instance, id.Key, id.Version, id.Index, count, trigger, at);
    }

    /// <summary><paramref name="count"/> distinct positions in [0, <paramref name="length"/>), drawn uniformly.</summary>
    private int[] Sample(int length, int count)
    {
        var set = new HashSet<int>();
        while (set.Count < count) set.Add(_random.Next(0, length));
        return [.. set.Order()];
    }

    private IEnumerable<(string FunctionName, string InstanceId, ChunkStore Store)> EligibleStores() =>
        _nodes.Stores.Where(s => _functions is null || _functions.Contains(s.FunctionName));

    private void Raise(ChunkCorruption corruption)
    {
        if (Corrupted is not { } handlers) return;
        foreach (EventHandler<ChunkCorruption> handler in handlers.GetInvocationList())
        {
            try { handler(this, corruption); }
            catch (Exception e) { ChaosLog.SubscriberFailed(_logger, nameof(Corrupted), e); }
        }
    }

    /// <summary>Stops the rate (corruptions already made stay). Idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return ValueTask.CompletedTask;
        _schedule.Dispose();
        if (_ownsMetrics) _metrics.Dispose();
        return ValueTask.CompletedTask;
    }
}
