using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Tiered.Coding;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Proxy;

public sealed partial class TierProxy
{
    /// <summary>
    /// One scrub pass over every stored object: each node rehashes its chunks in place (no chunk bytes cross the network)
    /// and reports whether they still match the checksum they were stored with; corrupt chunks are deleted and, like
    /// missing ones, queued for repair. A <paramref name="deep"/> pass also fetches every complete object's chunks and runs
    /// the codec's parity check over them, which catches chunks that were wrong when written (an encoder fault), not just
    /// ones that rotted since. Paced to <see cref="TierProxyOptions.ScrubChunksPerSecond"/>.
    /// </summary>
    public async Task<ScrubResult> ScrubAsync(bool deep = false, CancellationToken cancellationToken = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        int objects = 0, verified = 0, corrupt = 0, missing = 0, unreachable = 0, mismatches = 0;
        long started = Stopwatch.GetTimestamp();
        long chunksDone = 0;
        foreach (var entry in _directory.Snapshot())
        {
            if (_directory.Peek(entry.Key)?.Version != entry.Version) continue;
            objects++;
            var lost = new List<int>();
            for (int i = 0; i < entry.TotalShards; i++)
            {
                await PaceScrubAsync(started, ++chunksDone, stop.Token).ConfigureAwait(false);
                var key = new ChunkKey { Key = entry.Key, Version = entry.Version, Index = i };
                bool? intact;
                try
                {
                    using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, stop.Token);
                    var node = await _nodes.GetAsync(entry.Nodes[i], timeout.Token).ConfigureAwait(false);
                    intact = await node.VerifyAsync(key, timeout.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NodeRequestException || (e is OperationCanceledException && !stop.IsCancellationRequested))
                {
                    unreachable++;
                    continue;
                }
                Counters.Increment(ProxyCounters.ScrubbedChunks);
                if (intact == true) { verified++; continue; }
                lost.Add(i);
                if (intact is null) missing++;
                else
                {
                    corrupt++;
                    Counters.Increment(ProxyCounters.ChunksCorrupt);
                    LogCorruptChunk(entry.Key, i, entry.Nodes[i]);
                    await _nodes.DeleteChunkAsync(entry.Nodes[i], key).ConfigureAwait(false);
                }
            }
            if (lost.Count > 0)
            {
                QueueRepair(entry, lost);
            }
            else if (deep && !await ParityHoldsAsync(entry, stop.Token).ConfigureAwait(false))
            {
                mismatches++;
                LogParityMismatch(entry.Key, entry.Codec);
            }
        }
        var result = new ScrubResult(objects, verified, corrupt, missing, unreachable, mismatches);
        LogScrubbed(objects, verified, corrupt, missing, unreachable, mismatches);
        return result;
    }

    private async Task<bool> ParityHoldsAsync(ObjectEntry entry, CancellationToken cancellationToken)
    {
        if (_codecs is null) return true;
        using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, cancellationToken);
        var replies = await Task.WhenAll(Enumerable.Range(0, entry.TotalShards).Select(i => FetchChunkAsync(entry, i, timeout.Token))).ConfigureAwait(false);
        try
        {
            var shards = new ReadOnlyMemory<byte>[entry.TotalShards];
            for (int i = 0; i < shards.Length; i++)
            {
                if (replies[i]?.Payload is not { } payload || !ChunkChecksum.Matches(payload.Span, entry.Checksums[i])) return true; // not complete: the next pass repairs first
                shards[i] = payload.Memory;
            }
            return _codecs(entry.Codec).Verify(shards);
        }
        finally
        {
            foreach (var reply in replies) reply?.Dispose();
        }
    }

    private Task PaceScrubAsync(long started, long chunksDone, CancellationToken cancellationToken)
    {
        if (_options.ScrubChunksPerSecond <= 0) return Task.CompletedTask;
        var due = TimeSpan.FromSeconds(chunksDone / (double)_options.ScrubChunksPerSecond) - Stopwatch.GetElapsedTime(started);
        return due > TimeSpan.FromMilliseconds(1) ? Task.Delay(due, cancellationToken) : Task.CompletedTask;
    }

    private async Task ScrubLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.ScrubInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
                await ScrubAsync(deep: false, _stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) { }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scrubbed {Objects} objects: {Verified} chunks intact, {Corrupt} corrupt, {Missing} missing, {Unreachable} unreachable, {Mismatches} parity mismatches")]
    private partial void LogScrubbed(int objects, int verified, int corrupt, int missing, int unreachable, int mismatches);

    [LoggerMessage(Level = LogLevel.Error, Message = "'{Key}' ({Codec}): every chunk matches its checksum but the parity check fails")]
    private partial void LogParityMismatch(string key, string codec);
}
