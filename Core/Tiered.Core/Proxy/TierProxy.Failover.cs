using Microsoft.Extensions.Logging;
using Tiered.Protocol;
using Tiered.Time;

namespace Tiered.Proxy;

public sealed partial class TierProxy
{
    /// <summary>
    /// A node dialled back from another instance than before: its backup peer after a failover, a fresh empty instance after
    /// a reclaim, or an older instance the platform routed to. The instance lists what it holds; chunks the directory places
    /// on this node that it lacks (or holds with other bytes) are lost and queued for repair, and chunks it holds that the
    /// directory no longer knows (deleted or replaced objects, a previous proxy's) are deleted. No chunk is ever served
    /// from the list: a GET still checks every chunk's checksum.
    /// </summary>
    private async Task ReconcileAsync(NodeConnection node, string? before)
    {
        try
        {
            // Anything committed after this point was stored on the connected instance, so it is neither expected below
            // nor deleted as an extra (its version is newer than the one seen here).
            long versionSeen = Volatile.Read(ref _version);
            var pendingVersions = _puts.Values.Select(p => p.Version).ToHashSet();
            var expected = _directory.ChunksOn(node.NodeId);
            using var timeout = new TimeoutScope(TimeProvider.System, _options.ChunkTimeout, _stop.Token);
            var held = await node.ListChunksAsync(timeout.Token).ConfigureAwait(false);
            var heldChecksums = new Dictionary<(string, long, int), ulong>(held.Length);
            foreach (var chunk in held) heldChecksums[(chunk.Key, chunk.Version, chunk.Index)] = chunk.Checksum;

            int lostCount = 0;
            var expectedIds = new HashSet<(string, long, int)>(expected.Count);
            foreach (var group in expected.GroupBy(c => c.Entry))
            {
                var lost = new List<int>();
                foreach (var (entry, index) in group)
                {
                    expectedIds.Add((entry.Key, entry.Version, index));
                    if (!heldChecksums.TryGetValue((entry.Key, entry.Version, index), out ulong checksum) || checksum != entry.Checksums[index]) lost.Add(index);
                }
                if (lost.Count == 0) continue;
                lostCount += lost.Count;
                QueueRepair(group.Key, lost);
            }

            pendingVersions.UnionWith(_puts.Values.Select(p => p.Version));
            var extras = held.Where(c => c.Version <= versionSeen && !pendingVersions.Contains(c.Version) && !expectedIds.Contains((c.Key, c.Version, c.Index))
                && _directory.Peek(c.Key)?.Version != c.Version).ToArray();
            foreach (var extra in extras)
                _ = _nodes.DeleteChunkAsync(node.NodeId, new ChunkKey { Key = extra.Key, Version = extra.Version, Index = extra.Index });

            bool failover = before is not null && _backups.TryGetValue(node.NodeId, out var backup) && backup.PeerInstance == node.InstanceId;
            Counters.Increment(ProxyCounters.Reconciliations);
            if (failover)
            {
                Counters.Increment(ProxyCounters.Failovers);
                _backups.TryRemove(node.NodeId, out _);
            }
            // The node's new instance gets a backup peer of its own half an interval from now.
            if (before is not null && _options.BackupEnabled) _backupDue[node.NodeId] = _time.GetUtcNow() + _options.BackupInterval / 2;
            LogReconciled(node.NodeId, node.InstanceId, before ?? "none", failover, expected.Count, lostCount, extras.Length);
        }
        catch (Exception e) when (e is NodeRequestException or OperationCanceledException or ProtocolException)
        {
            // The connection went away while listing; the next dial-back from this instance is not a change, so the lost
            // chunks are found by GETs (and repaired then) or by the next scrub.
            LogReconcileFailed(node.NodeId, node.InstanceId, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {NodeId} is now instance {InstanceId} (was {Before}, failover to its backup: {Failover}): {Expected} chunks expected, {Lost} lost and queued for repair, {Extra} stale deleted")]
    private partial void LogReconciled(string nodeId, string instanceId, string before, bool failover, int expected, int lost, int extra);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reconcile node {NodeId} on instance {InstanceId}: {Reason}")]
    private partial void LogReconcileFailed(string nodeId, string instanceId, string reason);
}
