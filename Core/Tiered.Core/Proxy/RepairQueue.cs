using System.Diagnostics;
using System.Threading.Channels;

namespace Tiered.Proxy;

/// <summary>
/// Lost chunks waiting to be rebuilt, one queue entry per object version (lost indices found later merge into it),
/// worked by a fixed number of workers whose stored bytes are paced to a rate, so that the burst of repairs after an
/// instance is reclaimed does not starve the requests being served.
/// </summary>
internal sealed class RepairQueue : IAsyncDisposable
{
    private readonly Func<ObjectEntry, IReadOnlyList<int>, Task<long>> _repair;
    // An object version is queued (in _pending and the channel) or being repaired (in _running), never both at once
    // in two workers: a report that arrives during its repair waits for it to end, then runs and finds the chunk there.
    private readonly Dictionary<(string Key, long Version), (ObjectEntry Entry, HashSet<int> Lost)> _pending = [];
    private readonly HashSet<(string Key, long Version)> _running = [];
    private readonly Lock _gate = new();
    private readonly Channel<(string Key, long Version)> _work = Channel.CreateUnbounded<(string, long)>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly long _bytesPerSecond;
    private readonly Lock _pace = new();
    private long _nextFreeTimestamp;

    /// <param name="repair">Rebuilds the given lost chunks of an object and returns the bytes it stored.</param>
    /// <param name="workers">Repairs at once.</param>
    /// <param name="bytesPerSecond">Stored bytes per second at most (0: no limit); paced on the system clock, as the network is.</param>
    public RepairQueue(Func<ObjectEntry, IReadOnlyList<int>, Task<long>> repair, int workers, long bytesPerSecond)
    {
        _repair = repair;
        _bytesPerSecond = bytesPerSecond;
        _workers = Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync)).ToArray();
    }

    /// <summary>Object versions waiting or being repaired.</summary>
    public int Pending
    {
        get { lock (_gate) return _pending.Count + _running.Count; }
    }

    /// <summary>Queues the lost chunks of an object; returns how many of them were not queued already.</summary>
    public int Enqueue(ObjectEntry entry, IEnumerable<int> lost)
    {
        var id = (entry.Key, entry.Version);
        int added = 0;
        lock (_gate)
        {
            if (!_pending.TryGetValue(id, out var item))
            {
                _pending[id] = item = (entry, []);
                if (!_running.Contains(id)) _work.Writer.TryWrite(id);
            }
            foreach (int i in lost) if (item.Lost.Add(i)) added++;
        }
        return added;
    }

    /// <summary>Waits until nothing is queued or being repaired (for tests and graceful stops).</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (Pending > 0) await Task.Delay(10, cancellationToken).ConfigureAwait(false);
    }

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var id in _work.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                (ObjectEntry Entry, HashSet<int> Lost) item;
                lock (_gate)
                {
                    if (!_pending.Remove(id, out item)) continue;
                    _running.Add(id);
                }
                try
                {
                    int[] lost = item.Lost.Order().ToArray();
                    await PaceAsync((long)item.Entry.ShardLength * lost.Length).ConfigureAwait(false);
                    await _repair(item.Entry, lost).ConfigureAwait(false);
                }
                catch (Exception) when (!_stop.IsCancellationRequested)
                {
                    // The repair reports its own failures; a worker must outlive any one of them.
                }
                finally
                {
                    lock (_gate)
                    {
                        _running.Remove(id);
                        if (_pending.ContainsKey(id)) _work.Writer.TryWrite(id);
                    }
                }
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Reserves the bytes on the rate budget and waits until they may go.</summary>
    private Task PaceAsync(long bytes)
    {
        if (_bytesPerSecond <= 0 || bytes <= 0) return Task.CompletedTask;
        long now = Stopwatch.GetTimestamp();
        long cost = (long)(bytes / (double)_bytesPerSecond * Stopwatch.Frequency);
        long start;
        lock (_pace)
        {
            start = Math.Max(_nextFreeTimestamp, now);
            _nextFreeTimestamp = start + cost;
        }
        var wait = Stopwatch.GetElapsedTime(now, start);
        return wait > TimeSpan.FromMilliseconds(1) ? Task.Delay(wait, _stop.Token) : Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        _stop.Cancel();
        try { await Task.WhenAll(_workers).ConfigureAwait(false); } catch (Exception) { }
        _stop.Dispose();
    }
}
