using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using Tiered.Client;
using Tiered.Cost;
using Tiered.Proxy;
using Tiered.Workload;

namespace Tiered.Cli.Replay;

/// <summary>
/// Replays a generated workload against a <see cref="ReplayTier"/> in compressed time: request i starts at
/// <c>At / speed</c> of real time (or as soon as a slot frees when the tier falls behind), requests to one key run in
/// trace order, a first access PUTs the object, a GET verifies every byte and, on a miss, re-PUTs it (the cache fill).
/// One runner is one run: with the proxy's backups on, or off.
/// </summary>
internal sealed class ReplayRunner
{
    private const int PutAttempts = 3;

    /// <summary>How long (real time) a miss waits for the proxy to report why the object went, before it counts as unexplained.</summary>
    private static readonly TimeSpan RemovalWait = TimeSpan.FromSeconds(2);

    private readonly ReplaySettings _settings;
    private readonly bool _backup;
    private readonly Action<ReplayProgress>? _progress;
    private readonly HourlyAvailability _hourly;
    private readonly List<(TimeSpan At, Dictionary<string, long> Counters)> _hourMarks = [];

    // Counters (interlocked).
    private long _done, _coldFills, _gets, _hits, _evictedMisses, _lostMisses, _unexplainedMisses, _getErrors, _unavailableGets, _missesAfterFailedPut, _wrongBytes,
        _refills, _updates, _deletes, _putErrors, _putRetries, _expectedPresent, _servedPresent, _cachedBytes, _peakCachedBytes, _peakStoredBytes;
    private readonly ConcurrentDictionary<string, byte> _lostObjects = new(StringComparer.Ordinal);

    /// <param name="settings">The replay's settings (validated).</param>
    /// <param name="backup">Whether the proxy backs nodes up to a peer instance in this run.</param>
    /// <param name="progress">Called a few times a second with where the run stands.</param>
    public ReplayRunner(ReplaySettings settings, bool backup = true, Action<ReplayProgress>? progress = null)
    {
        _settings = settings.Validate();
        _backup = backup;
        _progress = progress;
        _hourly = new HourlyAvailability(settings.Duration);
    }

    /// <summary>The workload options the settings describe.</summary>
    public static WorkloadOptions WorkloadOf(ReplaySettings settings) => WorkloadOptions.Default with
    {
        ObjectCount = settings.Objects,
        RequestCount = settings.Requests,
        Duration = settings.Duration,
        Seed = settings.Seed,
        SizeScale = settings.Scale,
    };

    /// <summary>Runs the whole replay and returns what it measured.</summary>
    /// <exception cref="WorkloadOptionsException">The object or request count does not make a valid workload.</exception>
    public async Task<ReplayResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var workload = new WorkloadGenerator(WorkloadOf(_settings));
        var objects = workload.Objects;
        var indexOf = new Dictionary<string, int>(objects.Count, StringComparer.Ordinal);
        for (int i = 0; i < objects.Count; i++) indexOf[objects[i].Key] = i;
        var state = new ObjectState[objects.Count];
        for (int i = 0; i < state.Length; i++) state[i] = new ObjectState(objects[i].Key, objects[i].Size, objects[i].Accesses);

        var classes = new SizeClasses(_settings.Scale);
        var putLatency = new LatencyLog(classes.Count);
        var getLatency = new LatencyLog(classes.Count);
        var lags = new List<double>(workload.RequestCount);
        var samples = new List<CostSample>();

        await using var tier = ReplayTier.Start(_settings, _backup);
        tier.Events.Evicted += (key, version) =>
        {
            // A late event of an older version must not uncount the newer one stored since.
            if (indexOf.TryGetValue(key, out int i) && version >= Volatile.Read(ref state[i].ProxyVersion) && Interlocked.Exchange(ref state[i].Cached, 0) == 1)
                Interlocked.Add(ref _cachedBytes, -state[i].Size);
        };
        var injector = _settings.Faults.Kind == FaultKind.ReclaimR
            ? new ReclaimInjector(tier, _settings.Faults.Probability, _settings.Seed, key => Volatile.Read(ref state[indexOf[key]].Remaining) > 0)
            : null;
        var context = new RequestContext(tier, injector, classes, putLatency, getLatency);

        var real = Stopwatch.StartNew();
        using var slots = new SemaphoreSlim(_settings.Concurrency);
        using var stopSampling = new CancellationTokenSource();
        var sampler = SampleAsync(tier, workload.RequestCount, real, samples, stopSampling.Token);

        for (int i = 0; i < workload.RequestCount; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var request = workload[i];
            var due = TimeSpan.FromTicks((long)(request.At.Ticks / _settings.Speed));
            var ahead = due - real.Elapsed;
            if (ahead > TimeSpan.FromMilliseconds(1)) await Task.Delay(ahead, cancellationToken);
            await slots.WaitAsync(cancellationToken);
            lags.Add(Math.Max(0, (real.Elapsed - due).TotalMilliseconds));
            var s = state[indexOf[request.Key]];
            s.Tail = RunInOrderAsync(s.Tail, s, request.Op, _hourly.At(request.At), context, slots);
        }
        await Task.WhenAll(state.Select(s => s.Tail));
        var simulated = tier.Time.Elapsed;
        if (injector is not null) await injector.DrainAsync();
        stopSampling.Cancel();
        await sampler;
        Sample(tier, samples, simulated);
        var realElapsed = real.Elapsed;

        var counters = tier.Proxy.Counters;
        long repairs = counters[ProxyCounters.Repairs], chunksLost = counters[ProxyCounters.ChunksLost];
        var proxy = new ProxyFigures(counters[ProxyCounters.Failovers], counters[ProxyCounters.Reconciliations], counters[ProxyCounters.Backups],
            counters[ProxyCounters.BackupChunks], counters[ProxyCounters.BackupBytes], counters[ProxyCounters.BackupFailures], counters[ProxyCounters.BackupDeletes], chunksLost,
            counters[ProxyCounters.RepairsQueued], repairs, counters[ProxyCounters.RepairBytes], counters[ProxyCounters.Unavailable],
            counters[ProxyCounters.Evictions], tier.Events.ObjectsLost);
        MarkHour(tier, final: true);
        await tier.DisposeAsync(); // ends the running invocations, so the meter has every one of them
        var usage = tier.Platform.GetUsage();

        lags.Sort();
        var counts = new ReplayCounts
        {
            Requests = Interlocked.Read(ref _done), ColdFills = _coldFills, Gets = _gets, Hits = _hits, EvictedMisses = _evictedMisses,
            LostMisses = _lostMisses, UnexplainedMisses = _unexplainedMisses, GetErrors = _getErrors, UnavailableGets = _unavailableGets,
            MissesAfterFailedPut = _missesAfterFailedPut, WrongBytes = _wrongBytes,
            Refills = _refills, Updates = _updates, Deletes = _deletes, PutErrors = _putErrors, PutRetries = _putRetries, ExpectedPresent = _expectedPresent,
            ServedPresent = _servedPresent, ObjectsLost = _lostObjects.Count,
        };
        var latency = Enumerable.Range(0, classes.Count).Select(c =>
        {
            var (low, high) = classes.Bounds(c);
            return new SizeClassLatency(classes.Names[c], SizeClasses.UnscaledName(c), low, high, putLatency.Summarize(c), getLatency.Summarize(c));
        }).ToArray();
        var faults = new FaultSummary(_settings.Faults.ToString(), injector?.Faults ?? 0, injector?.InstancesReclaimed ?? 0, injector?.Blocked ?? 0,
            injector?.ScrubReads ?? 0, usage.InjectedReclaims, usage.IdleReclaims, usage.Reclaims[Providers.Local.LocalReclaimReason.Timeout],
            usage.RecycledReclaims, usage.Throttled, tier.Events.InstanceChanges, repairs, chunksLost);
        return new ReplayResult(_settings, _backup, objects.Count, workload.FootprintBytes, objects.Max(o => o.Size), simulated, realElapsed,
            Percentile(lags, 0.99), lags.Count == 0 ? 0 : lags[^1], counts, latency, faults, Cost(tier, usage, simulated), samples,
            _hourly.Snapshot(), HourEventsOf(tier), proxy, tier.Events.Journal,
            tier.Reclaims.Where(r => r.Reason != Providers.Local.LocalReclaimReason.PlatformDisposed).OrderBy(r => r.At).ToArray());
    }

    /// <summary>Snapshots the proxy's counters when the tier's clock passes an hour mark (and once at the end).</summary>
    private void MarkHour(ReplayTier tier, bool final = false)
    {
        var now = tier.Time.Elapsed;
        lock (_hourMarks)
        {
            if (_hourMarks.Count == 0) _hourMarks.Add((TimeSpan.Zero, []));
            while (now >= TimeSpan.FromHours(_hourMarks.Count)) _hourMarks.Add((TimeSpan.FromHours(_hourMarks.Count), tier.Proxy.Counters.Snapshot()));
            if (final) _hourMarks.Add((now, tier.Proxy.Counters.Snapshot()));
        }
    }

    /// <summary>Platform reclaims and proxy events per hour of the tier's clock.</summary>
    private List<HourEvents> HourEventsOf(ReplayTier tier)
    {
        var reclaims = tier.Reclaims.ToArray();
        var result = new List<HourEvents>();
        lock (_hourMarks)
        {
            for (int h = 0; h + 1 < _hourMarks.Count; h++)
            {
                var (from, before) = _hourMarks[h];
                var (to, after) = _hourMarks[h + 1];
                if (to <= from) continue;
                long Delta(string name) => after.GetValueOrDefault(name) - before.GetValueOrDefault(name);
                var inHour = reclaims.Where(r => r.At >= from && (r.At < to || h + 2 == _hourMarks.Count)).ToArray();
                result.Add(new HourEvents(result.Count,
                    inHour.Count(r => r.Reason == Providers.Local.LocalReclaimReason.Idle),
                    inHour.Count(r => r.Reason == Providers.Local.LocalReclaimReason.Recycled),
                    inHour.Count(r => r.Reason is not (Providers.Local.LocalReclaimReason.Idle or Providers.Local.LocalReclaimReason.Recycled or Providers.Local.LocalReclaimReason.PlatformDisposed)),
                    Delta(ProxyCounters.Failovers), Delta(ProxyCounters.Reconciliations), Delta(ProxyCounters.Backups),
                    Delta(ProxyCounters.ChunksLost), Delta(ProxyCounters.Repairs), Delta(ProxyCounters.Unavailable)));
            }
        }
        return result;
    }

    private ReplayCost Cost(ReplayTier tier, Providers.Local.LocalPlatformUsage usage, TimeSpan simulated)
    {
        var prices = PriceTable.Aws;
        long peakCached = Interlocked.Read(ref _peakCachedBytes), peakStored = Interlocked.Read(ref _peakStoredBytes);
        var scaled = tier.Meter.Report(prices.CacheNode, simulated, peakCached);
        long nodeBytes = _settings.MemoryMiB * 1024L * 1024;
        long unscaledStored = (long)Math.Ceiling(peakStored / _settings.Scale);
        int unscaledNodes = (int)Math.Max(_settings.Nodes, Math.Ceiling(unscaledStored / 0.8 / nodeBytes));
        double factor = (double)unscaledNodes / _settings.Nodes;
        var extrapolated = new CostUsage(scaled.Usage.ByKind.Select(p => KeyValuePair.Create(p.Key,
            new InvocationUsage((long)Math.Round(p.Value.Invocations * factor), p.Value.BilledDuration * factor, p.Value.GbSeconds * factor))));
        var unscaled = CostReport.Compute(extrapolated, simulated, (long)Math.Ceiling(peakCached / _settings.Scale), prices);
        return new ReplayCost(scaled, usage.BilledGbSeconds, usage.Invocations, usage, peakCached, peakStored, unscaledNodes, factor, unscaled)
        {
            Platforms = PlatformCost.Price(tier.Meter, _settings.Platforms, prices.CacheNode, simulated, peakCached),
        };
    }

    private async Task RunInOrderAsync(Task previous, ObjectState s, WorkloadOp op, HourlyAvailability.Counters hour, RequestContext context, SemaphoreSlim slots)
    {
        try
        {
            try { await previous; } catch (Exception) { /* counted by that request */ }
            await RunOneAsync(s, op, hour, context);
        }
        finally
        {
            Interlocked.Decrement(ref s.Remaining);
            Interlocked.Increment(ref _done);
            slots.Release();
        }
    }

    private async Task RunOneAsync(ObjectState s, WorkloadOp op, HourlyAvailability.Counters hour, RequestContext context)
    {
        switch (op)
        {
            case WorkloadOp.Put:
                if (s.Version == 0) Interlocked.Increment(ref _coldFills);
                else Interlocked.Increment(ref _updates);
                await PutAsync(s, context);
                return;
            case WorkloadOp.Delete:
                Interlocked.Increment(ref _deletes);
                try { await context.Tier.Client.DeleteAsync(s.Key); }
                catch (Exception e) when (IsTierFailure(e)) { }
                if (Interlocked.Exchange(ref s.Cached, 0) == 1) Interlocked.Add(ref _cachedBytes, -s.Size);
                s.Deleted = true;
                return;
            default:
                if (s.Version == 0 || s.Deleted) // not in the trace's model, but harmless: fill
                {
                    Interlocked.Increment(ref _coldFills);
                    await PutAsync(s, context);
                    return;
                }
                await GetAsync(s, hour, context);
                return;
        }
    }

    /// <summary>
    /// A GET, verified byte for byte. It counts as a GET of an object that should be present unless the proxy reported
    /// removing the stored version for policy (evicted for room, expired) or the last PUT failed. A miss is classified by
    /// the proxy's own removal reason for that version, waited for briefly, since the GET may miss just before the proxy
    /// tells its observers why: <c>Lost</c> (fewer than k chunks survived) is lost data; evicted or expired is policy;
    /// no removal at all is counted as unexplained (and against availability).
    /// </summary>
    private async Task GetAsync(ObjectState s, HourlyAvailability.Counters hour, RequestContext context)
    {
        Interlocked.Increment(ref _gets);
        Interlocked.Increment(ref hour.Gets);
        context.Injector?.BeforeGet(s.Key);
        var events = context.Tier.Events;
        bool PolicyRemoved(ProxyEventLog.Removal? r) => r?.Reason is ObjectRemovalReason.Evicted or ObjectRemovalReason.Expired;
        bool evicted = PolicyRemoved(events.RemovalOf(s.Key, s.ProxyVersion, s.PutSequence));
        bool expected = !evicted && !s.LastPutFailed;
        if (expected)
        {
            Interlocked.Increment(ref _expectedPresent);
            Interlocked.Increment(ref hour.Expected);
        }

        var clock = Stopwatch.StartNew();
        TierValue? value;
        try
        {
            value = await context.Tier.Client.GetAsync(s.Key);
        }
        catch (Exception e) when (IsTierFailure(e))
        {
            Interlocked.Increment(ref _getErrors);
            if (expected)
            {
                Interlocked.Increment(ref _unavailableGets);
                Interlocked.Increment(ref hour.Unavailable);
            }
            await PutAsync(s, context, refill: true);
            return;
        }
        double ms = clock.Elapsed.TotalMilliseconds;

        if (value is not null)
        {
            using (value)
            {
                bool right = ObjectContent.Matches(s.Key, s.Version, s.Size, value.Span)
                             || (s.AltVersion is int alt && ObjectContent.Matches(s.Key, alt, s.Size, value.Span));
                if (!right)
                {
                    Interlocked.Increment(ref _wrongBytes);
                    Interlocked.Increment(ref hour.WrongBytes);
                    await PutAsync(s, context, refill: true);
                    return;
                }
            }
            Interlocked.Increment(ref _hits);
            if (expected)
            {
                Interlocked.Increment(ref _servedPresent);
                Interlocked.Increment(ref hour.Served);
            }
            context.GetLatency.Add(context.Classes.Of(s.Size), ms);
            return;
        }

        // A miss: why did the stored version go?
        var removal = s.LastPutFailed ? null : await events.WaitForRemovalAsync(s.Key, s.ProxyVersion, s.PutSequence, RemovalWait);
        if (!evicted && PolicyRemoved(removal))
        {
            evicted = true; // evicted while the GET ran, or reported only now: not expected after all
            if (expected)
            {
                Interlocked.Decrement(ref _expectedPresent);
                Interlocked.Decrement(ref hour.Expected);
                expected = false;
            }
        }
        if (evicted)
        {
            Interlocked.Increment(ref _evictedMisses);
            Interlocked.Increment(ref hour.EvictedMisses);
        }
        else if (s.LastPutFailed) Interlocked.Increment(ref _missesAfterFailedPut);
        else if (removal?.Reason == ObjectRemovalReason.Lost)
        {
            Interlocked.Increment(ref _lostMisses);
            Interlocked.Increment(ref hour.LostMisses);
            _lostObjects.TryAdd(s.Key, 0);
        }
        else
        {
            Interlocked.Increment(ref _unexplainedMisses);
            Interlocked.Increment(ref hour.Unexplained);
        }
        if (Interlocked.Exchange(ref s.Cached, 0) == 1) Interlocked.Add(ref _cachedBytes, -s.Size);
        await PutAsync(s, context, refill: true);
    }

    private async Task PutAsync(ObjectState s, RequestContext context, bool refill = false)
    {
        if (refill) Interlocked.Increment(ref _refills);
        int previous = s.Version;
        s.Version++;
        s.Deleted = false;
        s.PutSequence = context.Tier.Events.Sequence;
        Volatile.Write(ref s.ProxyVersion, 0);
        context.Injector?.PutStarting(s.Key);
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)s.Size);
        try
        {
            var payload = buffer.AsMemory(0, (int)s.Size);
            ObjectContent.Fill(s.Key, s.Version, payload.Span);
            var clock = Stopwatch.StartNew();
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await context.Tier.Client.PutAsync(s.Key, payload);
                    break;
                }
                catch (Exception e) when (IsTierFailure(e) && attempt < PutAttempts)
                {
                    // A fill that failed (e.g. a node throttled while its previous invocation returned) is retried, as a registry would.
                    Interlocked.Increment(ref _putRetries);
                    await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt));
                }
            }
            context.PutLatency.Add(context.Classes.Of(s.Size), clock.Elapsed.TotalMilliseconds);
            // The version the proxy committed (0 when it is already gone again: then removals after the PUT began count).
            Volatile.Write(ref s.ProxyVersion, context.Tier.Proxy.Lookup(s.Key) is { } stored ? stored.Version : 0);
            s.LastPutFailed = false;
            s.AltVersion = null;
            if (Interlocked.Exchange(ref s.Cached, 1) == 0) Interlocked.Add(ref _cachedBytes, s.Size);
            Peak(ref _peakCachedBytes, Interlocked.Read(ref _cachedBytes));
            Peak(ref _peakStoredBytes, context.Tier.Proxy.StoredBytes);
        }
        catch (Exception e) when (IsTierFailure(e))
        {
            Interlocked.Increment(ref _putErrors);
            s.LastPutFailed = true;
            s.AltVersion = previous;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            context.Injector?.PutEnded(s.Key);
        }
    }

    private async Task SampleAsync(ReplayTier tier, long total, Stopwatch real, List<CostSample> samples, CancellationToken stop)
    {
        var next = TimeSpan.Zero;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var simulated = tier.Time.Elapsed;
                Peak(ref _peakStoredBytes, tier.Proxy.StoredBytes);
                MarkHour(tier);
                if (simulated >= next)
                {
                    Sample(tier, samples, simulated);
                    next = simulated - TimeSpan.FromTicks(simulated.Ticks % _settings.SampleInterval.Ticks) + _settings.SampleInterval;
                }
                _progress?.Invoke(new ReplayProgress(Interlocked.Read(ref _done), total, Interlocked.Read(ref _gets), Interlocked.Read(ref _hits), simulated, real.Elapsed));
                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException) { }
        _progress?.Invoke(new ReplayProgress(Interlocked.Read(ref _done), total, Interlocked.Read(ref _gets), Interlocked.Read(ref _hits), tier.Time.Elapsed, real.Elapsed));
    }

    private void Sample(ReplayTier tier, List<CostSample> samples, TimeSpan simulated)
    {
        var usage = tier.Meter.Snapshot().Total;
        var prices = PriceTable.Aws;
        decimal tiered = (decimal)usage.GbSeconds * prices.Functions.PricePerGbSecond + usage.Invocations * prices.Functions.PricePerMillionInvocations / 1_000_000m;
        int nodes = prices.CacheNode.NodesFor(Interlocked.Read(ref _peakCachedBytes));
        samples.Add(new CostSample(simulated, tiered, prices.CacheNode.CostFor(simulated, nodes)));
    }

    private static bool IsTierFailure(Exception e) => e is TierException or TimeoutException or OperationCanceledException or IOException or System.Net.Sockets.SocketException;

    private static void Peak(ref long peak, long value)
    {
        long seen = Interlocked.Read(ref peak);
        while (value > seen)
        {
            long witnessed = Interlocked.CompareExchange(ref peak, value, seen);
            if (witnessed == seen) return;
            seen = witnessed;
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>What one key's requests share; touched by one request at a time (they run in trace order).</summary>
    private sealed class ObjectState(string key, long size, int accesses)
    {
        public readonly string Key = key;
        public readonly long Size = size;
        public int Remaining = accesses;
        public int Cached;
        public int Version;
        /// <summary>The proxy's version of the last PUT that succeeded (0: not known).</summary>
        public long ProxyVersion;
        /// <summary><see cref="ProxyEventLog.Sequence"/> when the last PUT began.</summary>
        public long PutSequence;
        public int? AltVersion;
        public bool LastPutFailed;
        public bool Deleted;
        public Task Tail = Task.CompletedTask;
    }

    private sealed record RequestContext(ReplayTier Tier, ReclaimInjector? Injector, SizeClasses Classes, LatencyLog PutLatency, LatencyLog GetLatency);
}
