using System.Net;
using Tiered.Proxy;

namespace Tiered.Hosting;

/// <summary>The proxy's endpoints, timers and limits (<c>Tiered:Proxy</c>); becomes a <see cref="TierProxyOptions"/>.</summary>
public sealed class TieredProxySettings
{
    /// <summary>The default port clients connect to (<c>tiered serve</c>, <c>tiered put/get --proxy</c>).</summary>
    public const int DefaultClientPort = 6380;

    /// <summary>The default port nodes dial back to.</summary>
    public const int DefaultNodePort = 6381;

    /// <summary>The address both ports listen on: an IP address or <c>localhost</c>. Default 127.0.0.1.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Where clients connect; 0 picks a free port. Default 6380.</summary>
    public int ClientPort { get; set; } = DefaultClientPort;

    /// <summary>Where invoked function instances dial back; 0 picks a free port. Default 6381.</summary>
    public int NodePort { get; set; } = DefaultNodePort;

    /// <summary>The host name nodes are told to dial (cloud backends: the proxy's public name). Default: <see cref="Host"/>.</summary>
    public string? AdvertisedNodeHost { get; set; }

    /// <summary>Largest object accepted, in bytes. Default 1 GiB.</summary>
    public long MaxObjectBytes { get; set; } = 1L << 30;

    /// <summary>Chunk memory of the whole node pool in bytes; LRU eviction beyond it. 0: backend memory × functions × 0.8. Default 0.</summary>
    public long PoolMemoryBytes { get; set; }

    /// <summary>How long to wait for an invoked node to dial back. Default 15 s.</summary>
    public TimeSpan DialBackTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an invoked node stays connected without commands before returning. Default 2 s.</summary>
    public TimeSpan NodeIdleTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Nodes not connected for this long are invoked to keep their instances warm. Default 1 minute.</summary>
    public TimeSpan WarmUpInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a warm-up invocation stays connected. Default 200 ms.</summary>
    public TimeSpan WarmUpIdleTimeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A chunk request slower than this counts as a missing chunk. Default 30 s.</summary>
    public TimeSpan ChunkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A PUT whose chunks do not all arrive within this is abandoned. Default 1 minute.</summary>
    public TimeSpan PutTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Repairs running at once. Default 2.</summary>
    public int RepairConcurrency { get; set; } = 2;

    /// <summary>Serving sessions end at a random point between (1 − this) × and 1 × the platform's timeout, spreading the pool's invocation ends (0 turns it off). Default 0.5.</summary>
    public double SessionJitter { get; set; } = 0.5;

    /// <summary>Rebuilt chunk bytes stored per second at most (0: no limit). Default 256 MiB/s.</summary>
    public long RepairBytesPerSecond { get; set; } = 256L * 1024 * 1024;

    /// <summary>How often each node is delta-synced to a backup instance; <c>-00:00:00.001</c> (infinite) turns backups off. Default 5 minutes.</summary>
    public TimeSpan BackupInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Backups running at once. Default 2.</summary>
    public int BackupConcurrency { get; set; } = 2;

    /// <summary>How often a scrub pass rehashes every stored chunk; <c>-00:00:00.001</c> (infinite) turns scrubbing off. Default 1 hour.</summary>
    public TimeSpan ScrubInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Chunks a scrub pass verifies per second at most (0: no limit). Default 500.</summary>
    public int ScrubChunksPerSecond { get; set; } = 500;

    /// <summary>
    /// On shutdown, after in-process requests have finished, the longest the proxy waits for remote clients' requests
    /// in flight before it closes anyway (the host's shutdown timeout also bounds it). Default 30 s.
    /// </summary>
    public TimeSpan ShutdownDrainTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The address <see cref="Host"/> names, or null when it names none.</summary>
    public IPAddress? ResolveAddress() =>
        string.Equals(Host?.Trim(), "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(Host?.Trim(), out var address) ? address : null;

    /// <summary>The core proxy options these settings describe (call after validation).</summary>
    public TierProxyOptions ToTierProxyOptions()
    {
        var address = ResolveAddress() ?? throw new InvalidOperationException($"Tiered:Proxy:Host '{Host}' is not an IP address.");
        return new TierProxyOptions
        {
            ClientEndPoint = new IPEndPoint(address, ClientPort),
            NodeEndPoint = new IPEndPoint(address, NodePort),
            AdvertisedNodeHost = string.IsNullOrWhiteSpace(AdvertisedNodeHost) ? null : AdvertisedNodeHost,
            MaxObjectBytes = MaxObjectBytes,
            PoolMemoryBytes = PoolMemoryBytes,
            DialBackTimeout = DialBackTimeout,
            NodeIdleTimeout = NodeIdleTimeout,
            WarmUpInterval = WarmUpInterval,
            WarmUpIdleTimeout = WarmUpIdleTimeout,
            ChunkTimeout = ChunkTimeout,
            PutTimeout = PutTimeout,
            RepairConcurrency = RepairConcurrency,
            RepairBytesPerSecond = RepairBytesPerSecond,
            SessionJitter = SessionJitter,
            BackupInterval = BackupInterval,
            BackupConcurrency = BackupConcurrency,
            ScrubInterval = ScrubInterval,
            ScrubChunksPerSecond = ScrubChunksPerSecond,
        };
    }
}
