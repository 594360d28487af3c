using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Tiered.Coding;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Proxy;

public sealed partial class TierProxy
{
    /// <summary>
    /// First-d: asks all k+r nodes at once and relays the first k chunks that pass their checksum; the rest
    /// are dropped as they arrive. Fewer than k → a miss, and the object leaves the directory. Chunks found
    /// missing or corrupt on a served GET are repaired in the background.
    /// </summary>
    private async Task HandleGetAsync(FrameConnection client, uint requestId, string key)
    {
        long started = _time.GetTimestamp();
        var entry = CurrentEntry(key);
        if (entry is null)
        {
            Counters.Increment(ProxyCounters.Misses);
            Metrics.GetCompleted(_time.GetElapsedTime(started), hit: false);
            await TryReplyAsync(client, FrameOpcode.NotFound, requestId, new ChunkKey { Key = key }).ConfigureAwait(false);
            return;
        }

        using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, _stop.Token);
        var fetches = new Task<NodeReply?>[entry.TotalShards];
        var unreachable = new StrongBox<bool>[entry.TotalShards];
        for (int i = 0; i < entry.TotalShards; i++) fetches[i] = FetchChunkAsync(entry, i, timeout.Token, unreachable[i] = new StrongBox<bool>());

        int relayed = 0, good = 0;
        bool clientGone = false;
        var lost = new List<int>();
        await foreach (var fetch in Task.WhenEach(fetches).ConfigureAwait(false))
        {
            int index = Array.IndexOf(fetches, fetch);
            using var reply = fetch.IsCompletedSuccessfully ? fetch.Result : null;
            if (reply?.Payload is null || !ChunkChecksum.Matches(reply.Payload.Span, entry.Checksums[index]))
            {
                if (reply?.Payload is not null) { Counters.Increment(ProxyCounters.ChunksCorrupt); LogCorruptChunk(entry.Key, index, entry.Nodes[index]); }
                lost.Add(index);
                continue;
            }
            good++;
            if (relayed >= entry.DataShards || clientGone) continue;
            try
            {
                if (relayed == 0)
                    await client.WriteFrameAsync(FrameOpcode.ObjectHeader, requestId, HeaderOf(entry), default, _stop.Token).ConfigureAwait(false);
                await client.WriteFrameAsync(FrameOpcode.ChunkData, requestId, reply.Chunk, reply.Payload.Memory, _stop.Token).ConfigureAwait(false);
                Counters.Increment(ProxyCounters.BytesOut, reply.Payload.Length);
                if (++relayed == entry.DataShards)
                {
                    // Counted as soon as the client has its k chunks, not when the slowest of the rest comes in.
                    Counters.Increment(ProxyCounters.Hits);
                    Metrics.GetCompleted(_time.GetElapsedTime(started), hit: true);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                clientGone = true;
            }
        }

        int unreached = lost.Count(i => unreachable[i].Value);
        lost.RemoveAll(i => unreachable[i].Value);
        if (good < entry.DataShards && lost.Count <= entry.TotalShards - entry.DataShards)
        {
            // Some chunks could not be reached (throttled or slow activations) but too few are known lost to
            // give the object up: this is a failed request, not a miss, and the object stays.
            Counters.Increment(ProxyCounters.Unavailable);
            if (!clientGone)
                await TryReplyAsync(client, FrameOpcode.Error, requestId, new ErrorHeader
                {
                    Code = (int)ProtocolErrorCode.Internal,
                    Message = $"'{key}' is temporarily unavailable: {unreached} of its {entry.TotalShards} chunks could not be reached.",
                }).ConfigureAwait(false);
            if (lost.Count > 0) QueueRepair(entry, lost);
            return;
        }
        if (good < entry.DataShards)
        {
            Counters.Increment(ProxyCounters.ChunksLost, lost.Count);
            Counters.Increment(ProxyCounters.Misses);
            Metrics.GetCompleted(_time.GetElapsedTime(started), hit: false);
            LogObjectLost(entry.Key, entry.TotalShards - lost.Count, entry.DataShards);
            if (_directory.Remove(entry.Key, entry.Version) is { } gone) Removed(gone, ObjectRemovalReason.Lost);
            if (!clientGone) await TryReplyAsync(client, FrameOpcode.NotFound, requestId, new ChunkKey { Key = key, Version = entry.Version }).ConfigureAwait(false);
            return;
        }
        if (relayed < entry.DataShards) Counters.Increment(ProxyCounters.Hits); // the client left before its k chunks were sent
        if (lost.Count > 0) QueueRepair(entry, lost);
    }

    /// <summary>
    /// A chunk's reply; null when the node answered that it does not hold the chunk (lost for sure), or when
    /// it could not be reached (<paramref name="unreachable"/> is then set: the chunk may well still be there).
    /// </summary>
    private async Task<NodeReply?> FetchChunkAsync(ObjectEntry entry, int index, CancellationToken cancellationToken, StrongBox<bool>? unreachable = null)
    {
        var key = new ChunkKey { Key = entry.Key, Version = entry.Version, Index = index };
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                var node = await _nodes.GetAsync(entry.Nodes[index], cancellationToken).ConfigureAwait(false);
                return await node.GetAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (NodeRequestException) when (attempt == 0 && !cancellationToken.IsCancellationRequested)
            {
                // The connection ended as it was used (the node went idle or was reclaimed): activate it once more.
            }
            catch (Exception e) when (e is NodeRequestException or OperationCanceledException)
            {
                if (unreachable is not null) unreachable.Value = true;
                return null;
            }
        }
    }

    /// <summary>
    /// Queues chunks reported lost (by a GET, a reconciliation or a scrub) for rebuilding. Reports of the same chunk merge
    /// while it waits, and the repair checks again which chunks are really missing, so a chunk is counted lost and rebuilt
    /// once however many reports there were.
    /// </summary>
    private void QueueRepair(ObjectEntry entry, IEnumerable<int> lost)
    {
        if (_repairQueue.Enqueue(entry, lost) > 0) Counters.Increment(ProxyCounters.RepairsQueued);
    }

    /// <summary>Waits until every queued repair has run (for tests and tools).</summary>
    public Task DrainRepairsAsync(CancellationToken cancellationToken = default) => _repairQueue.DrainAsync(cancellationToken);

    /// <summary>
    /// Fetches every chunk of an object; those still missing or corrupt are rebuilt from k good ones and stored on their
    /// nodes again. Returns the bytes stored (0 when the reported chunks turned out to be there after all).
    /// </summary>
    private async Task<long> RepairAsync(ObjectEntry entry, IReadOnlyList<int> lost)
    {
        if (_codecs is null) return 0;
        long stored = 0;
        var replies = new NodeReply?[entry.TotalShards];
        try
        {
            var codec = _codecs(entry.Codec);
            using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, _stop.Token);
            var fetches = Enumerable.Range(0, entry.TotalShards).Select(i => FetchChunkAsync(entry, i, timeout.Token)).ToArray();
            var fetched = await Task.WhenAll(fetches).ConfigureAwait(false);
            using var shards = ShardSet.Rent(entry.TotalShards, entry.ShardLength);
            for (int i = 0; i < entry.TotalShards; i++)
            {
                replies[i] = fetched[i];
                bool good = fetched[i]?.Payload is { } payload && ChunkChecksum.Matches(payload.Span, entry.Checksums[i]);
                if (good) fetched[i]!.Payload!.Span.CopyTo(shards[i].Span);
                else shards.MarkMissing(i);
            }
            var missing = Enumerable.Range(0, entry.TotalShards).Where(i => !shards.Present[i]).ToArray();
            if (missing.Length > 0) Counters.Increment(ProxyCounters.ChunksLost, missing.Length);
            if (missing.Length == 0 || shards.PresentCount < entry.DataShards) return 0;
            codec.Reconstruct(shards.Shards, shards.Present);
            if (_directory.Peek(entry.Key)?.Version != entry.Version) return 0;
            foreach (int i in missing)
            {
                if (!ChunkChecksum.Matches(shards[i].Span, entry.Checksums[i])) { LogRepairMismatch(entry.Key, i); continue; }
                var node = await _nodes.GetAsync(entry.Nodes[i], timeout.Token).ConfigureAwait(false);
                await node.StoreAsync(new ChunkHeader { Key = entry.Key, Version = entry.Version, Index = i, Checksum = entry.Checksums[i] }, shards[i], timeout.Token).ConfigureAwait(false);
                Counters.Increment(ProxyCounters.Repairs);
                Counters.Increment(ProxyCounters.RepairBytes, entry.ShardLength);
                stored += entry.ShardLength;
            }
        }
        catch (Exception e) when (e is NodeRequestException or OperationCanceledException or ErasureCodingException or ArgumentException or FormatException)
        {
            LogRepairFailed(entry.Key, e.Message);
        }
        finally
        {
            foreach (var reply in replies) reply?.Dispose();
        }
        return stored;
    }

    private static async Task TryReplyAsync<THeader>(FrameConnection client, FrameOpcode opcode, uint requestId, THeader header)
    {
        try { await client.WriteFrameAsync(opcode, requestId, header).ConfigureAwait(false); }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException) { }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chunk {Index} of '{Key}' from node {NodeId} failed its checksum; treated as missing")]
    private partial void LogCorruptChunk(string key, int index, string nodeId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "'{Key}' is lost: {Available} chunks left, {Needed} needed")]
    private partial void LogObjectLost(string key, int available, int needed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Repair of '{Key}' failed: {Reason}")]
    private partial void LogRepairFailed(string key, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Repaired chunk {Index} of '{Key}' does not match its checksum; not stored")]
    private partial void LogRepairMismatch(string key, int index);
}
