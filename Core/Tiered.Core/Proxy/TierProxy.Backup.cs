using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Proxy;

public sealed partial class TierProxy
{
    private readonly ConcurrentDictionary<string, (string PrimaryInstance, string PeerInstance, DateTimeOffset At)> _backups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _backupDue = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<BackupResult>> _backupsRunning = new(StringComparer.Ordinal);

    /// <summary>
    /// Delta-syncs a node's chunks to a backup peer: while the node's primary instance is busy serving this proxy, the
    /// function is invoked again, so the platform runs it on another instance — the previous peer when it is still warm
    /// (platforms route to an idle warm instance first), else a new one. Both list what they hold; only the chunks the peer
    /// lacks are copied to it (relayed by the proxy, since instances accept no connections) and the ones the primary no
    /// longer holds are deleted from it. When the primary is later reclaimed, the next invocation lands on the peer, which
    /// already holds the chunks (failover).
    /// </summary>
    public Task<BackupResult> BackupAsync(string nodeId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        if (!_backend.Functions.Contains(nodeId)) throw new ArgumentException($"'{nodeId}' is not a function of the pool.", nameof(nodeId));
        Task<BackupResult> task;
        lock (_backupsRunning)
        {
            if (_backupsRunning.TryGetValue(nodeId, out var running)) return running;
            _backupsRunning[nodeId] = task = RunBackupAsync(nodeId, cancellationToken);
        }
        _ = task.ContinueWith(_ => _backupsRunning.TryRemove(KeyValuePair.Create(nodeId, task)), TaskScheduler.Default);
        return task;
    }

    /// <summary>The backup peer instance a node would fail over to, if it has one.</summary>
    public string? BackupPeerOf(string nodeId) => _backups.TryGetValue(nodeId, out var backup) ? backup.PeerInstance : null;

    private async Task<BackupResult> RunBackupAsync(string nodeId, CancellationToken cancellationToken)
    {
        await Task.Yield();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        string primaryInstance = "";
        NodeConnection? peer = null;
        try
        {
            var primary = await _nodes.GetAsync(nodeId, stop.Token).ConfigureAwait(false);
            primaryInstance = primary.InstanceId;
            // The primary must stay busy until the peer has dialled back (a returned primary would be the idle warm instance
            // the platform hands the backup invocation to) and must return after the peer (so the platform keeps routing
            // the node's invocations to the primary while both live).
            using var keepAlive = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
            var pinging = KeepBusyAsync(primary, keepAlive.Token);
            try
            {
                peer = await _nodes.ActivateBackupAsync(nodeId).WaitAsync(stop.Token).ConfigureAwait(false);
                if (peer.InstanceId == primary.InstanceId || !primary.IsOpen)
                    return Failed(nodeId, primaryInstance, peer.InstanceId, "the primary instance returned before its backup peer started");

                using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, stop.Token);
                var source = await primary.ListChunksAsync(timeout.Token).ConfigureAwait(false);
                var copy = await peer.ListChunksAsync(timeout.Token).ConfigureAwait(false);
                var copyChecksums = new Dictionary<(string, long, int), ulong>(copy.Length);
                foreach (var c in copy) copyChecksums[(c.Key, c.Version, c.Index)] = c.Checksum;
                var sourceIds = new HashSet<(string, long, int)>(source.Length);
                var missing = new List<ChunkHeader>();
                int had = 0;
                foreach (var c in source)
                {
                    sourceIds.Add((c.Key, c.Version, c.Index));
                    if (copyChecksums.TryGetValue((c.Key, c.Version, c.Index), out ulong checksum) && checksum == c.Checksum) had++;
                    else missing.Add(c);
                }
                var stale = copy.Where(c => !sourceIds.Contains((c.Key, c.Version, c.Index))).ToArray();

                int sent = 0;
                long bytes = 0;
                await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stop.Token }, async (chunk, ct) =>
                {
                    using var chunkTimeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, ct);
                    using var reply = await primary.GetAsync(new ChunkKey { Key = chunk.Key, Version = chunk.Version, Index = chunk.Index }, chunkTimeout.Token).ConfigureAwait(false);
                    if (reply?.Payload is null) return; // deleted on the primary meanwhile
                    await peer.StoreAsync(chunk, reply.Payload.Memory, chunkTimeout.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref sent);
                    Interlocked.Add(ref bytes, reply.Payload.Length);
                }).ConfigureAwait(false);
                foreach (var c in stale)
                    await peer.DeleteAsync(new ChunkKey { Key = c.Key, Version = c.Version, Index = c.Index }, timeout.Token).ConfigureAwait(false);

                var now = _time.GetUtcNow();
                _backups[nodeId] = (primaryInstance, peer.InstanceId, now);
                _backupDue[nodeId] = now + _options.BackupInterval;
                Counters.Increment(ProxyCounters.Backups);
                Counters.Increment(ProxyCounters.BackupChunks, sent);
                Counters.Increment(ProxyCounters.BackupBytes, bytes);
                Counters.Increment(ProxyCounters.BackupDeletes, stale.Length);
                LogBackedUp(nodeId, primaryInstance, peer.InstanceId, had, sent, bytes, stale.Length);
                return new BackupResult(nodeId, primaryInstance, peer.InstanceId, had, sent, bytes, stale.Length);
            }
            finally
            {
                // The peer returns first (its connection closes now); the primary's idle timer starts after.
                if (peer is not null) await peer.DisposeAsync().ConfigureAwait(false);
                keepAlive.Cancel();
                await pinging.ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is NodeRequestException or OperationCanceledException or ProtocolException or TimeoutException)
        {
            return Failed(nodeId, primaryInstance, peer?.InstanceId, e is OperationCanceledException ? "cancelled or timed out" : e.Message);
        }
    }

    private BackupResult Failed(string nodeId, string primaryInstance, string? peerInstance, string reason)
    {
        Counters.Increment(ProxyCounters.BackupFailures);
        // Try again after a tenth of the interval rather than a whole one.
        if (_options.BackupEnabled) _backupDue[nodeId] = _time.GetUtcNow() + _options.BackupInterval / 10;
        LogBackupFailed(nodeId, reason);
        return new BackupResult(nodeId, primaryInstance, peerInstance, 0, 0, 0, 0, reason);
    }

    private async Task KeepBusyAsync(NodeConnection primary, CancellationToken cancellationToken)
    {
        var every = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, _options.NodeIdleTimeout.Ticks / 4));
        try
        {
            while (!cancellationToken.IsCancellationRequested && primary.IsOpen)
            {
                await primary.PingAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(every, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or NodeRequestException) { }
    }

    /// <summary>Backs up, a few at a time, every node that holds chunks and whose backup is due.</summary>
    private async Task BackupLoopAsync()
    {
        var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerSecond, _options.BackupInterval.Ticks / 10));
        using var timer = new PeriodicTimer(tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                var now = _time.GetUtcNow();
                var holding = _directory.Snapshot().SelectMany(e => e.Nodes).ToHashSet(StringComparer.Ordinal);
                var due = new List<string>();
                foreach (string nodeId in _backend.Functions)
                {
                    if (!holding.Contains(nodeId) || _backupsRunning.ContainsKey(nodeId)) continue;
                    // First seen now: due one interval later (InfiniCache backs up instances a few minutes old).
                    var at = _backupDue.GetOrAdd(nodeId, now + _options.BackupInterval);
                    if (at <= now) due.Add(nodeId);
                }
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.BackupConcurrency, CancellationToken = _stop.Token },
                    async (nodeId, _) => await BackupAsync(nodeId).ConfigureAwait(false)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Backed up node {NodeId} from instance {Primary} to {Peer}: {Had} chunks already there, {Sent} sent ({Bytes} bytes), {Deleted} deleted")]
    private partial void LogBackedUp(string nodeId, string primary, string peer, int had, int sent, long bytes, int deleted);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backup of node {NodeId} failed: {Reason}")]
    private partial void LogBackupFailed(string nodeId, string reason);
}
