using System.Diagnostics;
using System.Globalization;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>
/// Runs <c>tiered bench e2e</c>: starts the tier (and redis-server when asked), warms every node, then for each
/// object size times sequential PUTs and GETs from one client (Tiered and Redis alternating operation by
/// operation, so machine noise hits both), concurrent GETs, and the client's allocations per GET. Every GET's
/// bytes are compared with what was PUT, outside the timed region.
/// </summary>
internal sealed class E2eRunner(E2eSettings settings, TextWriter progress)
{
    private readonly List<E2eRow> _rows = [];
    private readonly List<string> _problems = [];
    private readonly List<string> _notes = [];
    private long _verifiedGets;

    public async Task<E2eReport> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.StartNew();
        var date = DateTimeOffset.Now;
        string? redisVersion = null;
        E2eAllocation? clientAllocation = null;

        Progress($"starting the tier: {settings.Shape.Nodes} Local function nodes, {settings.Shape.Codec}, {(settings.TierInChildProcess ? "proxy and platform in a child process" : "proxy and platform in this process")}");
        await using var host = settings.TierInChildProcess
            ? await ChildProcessTierHost.StartAsync(settings.Shape, cancellationToken).ConfigureAwait(false)
            : (ITierHost)InProcessTierHost.Start(settings.Shape);
        await using var tiered = TieredTarget.Connect(host, settings.Shape.Codec);
        await WarmTierAsync(tiered, cancellationToken).ConfigureAwait(false);

        RedisServerProcess? server = null;
        RedisTarget? redis = null;
        try
        {
            if (settings.VsRedis)
            {
                string? executable = settings.RedisServer ?? RedisServerProcess.FindExecutable();
                if (executable is null)
                {
                    _notes.Add("redis-server is not installed (not on the PATH): Tiered's rows only, no ratios. On Debian: apt-get install redis-server.");
                    Progress("note: " + _notes[^1]);
                }
                else
                {
                    redisVersion = RedisServerProcess.Version(executable) ?? executable;
                    server = await RedisServerProcess.StartAsync(executable, cancellationToken: cancellationToken).ConfigureAwait(false);
                    Progress($"redis-server pid {server.ProcessId} answers PING on {server.EndPoint}");
                    redis = await RedisTarget.ConnectAsync(server).ConfigureAwait(false);
                }
            }

            foreach (int size in settings.Sizes)
                await MeasureSizeAsync(size, host, tiered, redis, cancellationToken).ConfigureAwait(false);

            int largest = settings.Sizes.Max();
            if (settings.MeasureClientOnlyAllocation)
            {
                clientAllocation = settings.TierInChildProcess
                    ? await MeasureAllocationAsync(tiered, largest, "client only (tier in a child process)", cancellationToken).ConfigureAwait(false)
                    : await MeasureClientOnlyAllocationAsync(largest, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (redis is not null) await redis.DisposeAsync().ConfigureAwait(false);
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
                Progress("redis-server stopped");
            }
        }

        var whole = WholeProcessAllocation(settings.Sizes.Max());
        return new E2eReport(date, settings, host.Description, redisVersion, _rows, whole, clientAllocation, _verifiedGets, _problems, _notes, started.Elapsed);
    }

    /// <summary>
    /// The first PUT cold-starts the nodes it lands on (reported as its own row); more small PUTs follow until
    /// every node function has dialled back, so the timed runs never include a cold start.
    /// </summary>
    private async Task WarmTierAsync(TieredTarget tiered, CancellationToken cancellationToken)
    {
        var value = Payload(1 << 10, seed: 0);
        long start = Stopwatch.GetTimestamp();
        await tiered.PutAsync("e2e-cold", value, cancellationToken).ConfigureAwait(false);
        double coldMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        _rows.Add(new E2eRow(value.Length, E2eOperation.ColdPut, 1, LatencyStats.From([coldMs], coldMs / 1000, value.Length), null, null));
        Progress(Invariant($"cold first PUT (1 KiB): {coldMs:F1} ms"));

        int puts = 0;
        while (true)
        {
            var (connected, total) = await tiered.NodesAsync(cancellationToken).ConfigureAwait(false);
            if (connected >= total) break;
            if (puts >= 256) throw new InvalidOperationException($"Only {connected} of {total} nodes connected after {puts} warm-up PUTs.");
            await tiered.PutAsync($"e2e-warm-{puts++}", value, cancellationToken).ConfigureAwait(false);
        }
        await VerifyGetAsync(tiered, "e2e-cold", value, cancellationToken).ConfigureAwait(false);
        var (nodes, _) = await tiered.NodesAsync(cancellationToken).ConfigureAwait(false);
        Progress($"all {nodes} nodes warm ({puts} extra warm-up PUTs)");
    }

    private async Task MeasureSizeAsync(int size, ITierHost host, TieredTarget tiered, RedisTarget? redis, CancellationToken cancellationToken)
    {
        var value = Payload(size, seed: size);
        string key = $"e2e-{size}";
        IE2eTarget[] targets = redis is null ? [tiered] : [tiered, redis];
        int iterations = settings.IterationsFor(size), warmups = settings.WarmupsFor(size);
        string label = ByteSize.Format(size);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Progress($"{label}: {warmups} warm-up PUT+GET per target, then {iterations} timed PUTs and {iterations} timed GETs each");
        for (int i = 0; i < warmups; i++)
            foreach (var target in targets)
            {
                await target.PutAsync(key, value, cancellationToken).ConfigureAwait(false);
                await VerifyGetAsync(target, key, value, cancellationToken).ConfigureAwait(false);
            }

        var puts = targets.Select(_ => new List<double>(iterations)).ToArray();
        long putAllocated = 0;
        var putCpu = new CpuMeter(host);
        for (int i = 0; i < iterations; i++)
            for (int t = 0; t < targets.Length; t++)
            {
                int which = (t + i) % targets.Length;
                long allocatedBefore = which == 0 ? GC.GetTotalAllocatedBytes(precise: true) : 0;
                if (which == 0) putCpu.Begin();
                long start = Stopwatch.GetTimestamp();
                await targets[which].PutAsync(key, value, cancellationToken).ConfigureAwait(false);
                puts[which].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (which == 0) putCpu.End();
                if (which == 0) putAllocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            }

        var gets = targets.Select(_ => new List<double>(iterations)).ToArray();
        long getAllocated = 0;
        var getCpu = new CpuMeter(host);
        for (int i = 0; i < iterations; i++)
            for (int t = 0; t < targets.Length; t++)
            {
                int which = (t + i) % targets.Length;
                long allocatedBefore = which == 0 ? GC.GetTotalAllocatedBytes(precise: true) : 0;
                if (which == 0) getCpu.Begin();
                long start = Stopwatch.GetTimestamp();
                var fetched = await targets[which].GetAsync(key, cancellationToken).ConfigureAwait(false);
                gets[which].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (which == 0) getCpu.End();
                if (which == 0) getAllocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                Verify(targets[which], key, value, fetched);
            }

        _rows.Add(Row(size, E2eOperation.Put, 1, puts, (double)putAllocated / iterations) with { Cpu = putCpu.PerOperation(iterations) });
        _rows.Add(Row(size, E2eOperation.Get, 1, gets, (double)getAllocated / iterations) with { Cpu = getCpu.PerOperation(iterations) });
        Progress(Describe(_rows[^2]));
        Progress(Describe(_rows[^1]));

        if (settings.Concurrency > 1)
        {
            int operations = Math.Max(iterations, settings.Concurrency * 2);
            var concurrent = new LatencyStats[targets.Length];
            for (int t = 0; t < targets.Length; t++)
            {
                // An untimed round first, so the thread pool has grown to the concurrency before the clock runs.
                await ConcurrentGetsAsync(targets[t], key, value, settings.Concurrency * 2, cancellationToken).ConfigureAwait(false);
                concurrent[t] = await ConcurrentGetsAsync(targets[t], key, value, operations, cancellationToken).ConfigureAwait(false);
            }
            _rows.Add(new E2eRow(size, E2eOperation.ConcurrentGet, settings.Concurrency, concurrent[0], targets.Length > 1 ? concurrent[1] : null, null));
            Progress(Describe(_rows[^1]));
        }
    }

    private E2eRow Row(int size, E2eOperation operation, int concurrency, List<double>[] samples, double allocatedPerOp) =>
        new(size, operation, concurrency,
            LatencyStats.From(samples[0], samples[0].Sum() / 1000, size),
            samples.Length > 1 ? LatencyStats.From(samples[1], samples[1].Sum() / 1000, size) : null,
            allocatedPerOp);

    /// <summary><see cref="E2eSettings.Concurrency"/> tasks share the target's one client and split the GETs between them.</summary>
    private async Task<LatencyStats> ConcurrentGetsAsync(IE2eTarget target, string key, byte[] value, int operations, CancellationToken cancellationToken)
    {
        var samples = new double[operations];
        int next = -1;
        long start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < operations)
            {
                long begin = Stopwatch.GetTimestamp();
                var fetched = await target.GetAsync(key, cancellationToken).ConfigureAwait(false);
                samples[i] = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
                Verify(target, key, value, fetched);
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return LatencyStats.From(samples, Stopwatch.GetElapsedTime(start).TotalSeconds, value.Length);
    }

    /// <summary>The whole process's allocations per Tiered GET of the largest size, from the timed GETs.</summary>
    private E2eAllocation? WholeProcessAllocation(int size)
    {
        var row = _rows.FirstOrDefault(r => r.Operation == E2eOperation.Get && r.Size == size);
        if (row?.TieredAllocatedBytesPerOp is not { } perGet) return null;
        string scope = settings.TierInChildProcess
            ? "client only (tier in a child process)"
            : "whole process (client + proxy + nodes)";
        var put = _rows.FirstOrDefault(r => r.Operation == E2eOperation.Put && r.Size == size);
        return new E2eAllocation(size, row.Tiered.Count, perGet, scope, put?.TieredAllocatedBytesPerOp);
    }

    /// <summary>
    /// The client's own allocations per GET: a second tier runs in a child process, so everything this process
    /// allocates during the GETs is the client's.
    /// </summary>
    private async Task<E2eAllocation> MeasureClientOnlyAllocationAsync(int size, CancellationToken cancellationToken)
    {
        Progress($"client-only allocations: starting a second tier in a child process for {ByteSize.Format(size)} GETs");
        await using var host = await ChildProcessTierHost.StartAsync(settings.Shape, cancellationToken).ConfigureAwait(false);
        await using var tiered = TieredTarget.Connect(host, settings.Shape.Codec);
        await WarmNodesQuietlyAsync(tiered, cancellationToken).ConfigureAwait(false);
        return await MeasureAllocationAsync(tiered, size, $"client only ({host.Description} ran the proxy and nodes)", cancellationToken).ConfigureAwait(false);
    }

    private static async Task WarmNodesQuietlyAsync(TieredTarget tiered, CancellationToken cancellationToken)
    {
        var value = Payload(1 << 10, seed: 0);
        for (int puts = 0; puts < 256; puts++)
        {
            var (connected, total) = await tiered.NodesAsync(cancellationToken).ConfigureAwait(false);
            if (connected >= total) return;
            await tiered.PutAsync($"e2e-warm-{puts}", value, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<E2eAllocation> MeasureAllocationAsync(TieredTarget tiered, int size, string scope, CancellationToken cancellationToken)
    {
        var value = Payload(size, seed: size);
        string key = $"e2e-alloc-{size}";
        await tiered.PutAsync(key, value, cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < 3; i++) await VerifyGetAsync(tiered, key, value, cancellationToken).ConfigureAwait(false);
        long total = 0, putTotal = 0;
        for (int i = 0; i < settings.AllocationGets; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            var fetched = await tiered.GetAsync(key, cancellationToken).ConfigureAwait(false);
            total += GC.GetTotalAllocatedBytes(precise: true) - before;
            Verify(tiered, key, value, fetched);
        }
        for (int i = 0; i < settings.AllocationGets; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            await tiered.PutAsync(key, value, cancellationToken).ConfigureAwait(false);
            putTotal += GC.GetTotalAllocatedBytes(precise: true) - before;
        }
        var result = new E2eAllocation(size, settings.AllocationGets, (double)total / settings.AllocationGets, scope, (double)putTotal / settings.AllocationGets);
        Progress(Invariant($"{scope}: {result.BytesPerGet / (1 << 20):F3} MiB allocated per {ByteSize.Format(size)} GET ({result.RatioToObject:F4}x the object), {result.BytesPerPut / (1 << 20):F3} MiB per PUT"));
        return result;
    }

    private async Task VerifyGetAsync(IE2eTarget target, string key, byte[] expected, CancellationToken cancellationToken) =>
        Verify(target, key, expected, await target.GetAsync(key, cancellationToken).ConfigureAwait(false));

    /// <summary>Compares a GET's bytes with what was PUT (after the clock stopped) and releases them.</summary>
    private void Verify(IE2eTarget target, string key, byte[] expected, FetchedObject? fetched)
    {
        using (fetched)
        {
            string? problem = fetched is null ? $"{target.Name} GET '{key}': a miss, expected {expected.Length} bytes"
                : fetched.Length != expected.Length ? $"{target.Name} GET '{key}': {fetched.Length} bytes, expected {expected.Length}"
                : !fetched.Span.SequenceEqual(expected.AsSpan()) ? $"{target.Name} GET '{key}': the bytes differ from what was PUT (first difference at offset {fetched.Span.CommonPrefixLength(expected.AsSpan())})"
                : null;
            if (problem is null)
            {
                Interlocked.Increment(ref _verifiedGets);
                return;
            }
            lock (_problems) _problems.Add(problem);
            Progress("MISMATCH: " + problem);
        }
    }

    private static byte[] Payload(int size, int seed)
    {
        var bytes = GC.AllocateUninitializedArray<byte>(size);
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Describe(E2eRow row)
    {
        string redis = row.Redis is null ? "" : Invariant($"; Redis p50 {row.Redis.P50Ms:F3} ms; ratio {row.Ratio:F2}x");
        string cpu = row.Cpu is null ? "" : row.Cpu.TierProcessMsPerOp is { } tier
            ? Invariant($", CPU/op client {row.Cpu.ThisProcessMsPerOp:F2} ms + tier {tier:F2} ms")
            : Invariant($", CPU/op {row.Cpu.ThisProcessMsPerOp:F2} ms");
        return Invariant($"  {ByteSize.Format(row.Size)} {row.Label}: Tiered p50 {row.Tiered.P50Ms:F3} ms p99 {row.Tiered.P99Ms:F3} ms {row.Tiered.MBps:F0} MB/s{cpu}{redis}");
    }

    private void Progress(string line)
    {
        lock (progress) progress.WriteLine(line);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
