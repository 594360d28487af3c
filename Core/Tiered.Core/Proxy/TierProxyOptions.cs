using System.Net;
using Tiered.Protocol;

namespace Tiered.Proxy;

/// <summary>How a proxy listens, activates nodes and bounds its pool.</summary>
public sealed record TierProxyOptions
{
    /// <summary>Where clients connect (port 0 picks a free one).</summary>
    public IPEndPoint ClientEndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Where invoked function instances dial back to (port 0 picks a free one).</summary>
    public IPEndPoint NodeEndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>The host name nodes are told to dial; defaults to the node endpoint's address.</summary>
    public string? AdvertisedNodeHost { get; init; }

    /// <summary>Largest object accepted.</summary>
    public long MaxObjectBytes { get; init; } = 1L << 30;

    /// <summary>Memory of the whole node pool for chunks; objects are evicted (least recently used first) beyond it. 0 = the backend's memory × pool size × 0.8.</summary>
    public long PoolMemoryBytes { get; init; }

    // Timeouts that guard network operations (dial-back, chunk requests) run on the system clock even when the
    // proxy's TimeProvider is simulated or scaled: the network does not speed up with it. Platform semantics —
    // warm-up intervals, time to live, node idle time (billed) — run on the proxy's TimeProvider.

    /// <summary>How long to wait for an invoked node to dial back.</summary>
    public TimeSpan DialBackTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long an invoked node stays without commands before returning. Shorter saves billed GB-seconds
    /// (an idle connected node is a running invocation); longer saves re-invocations.
    /// </summary>
    public TimeSpan NodeIdleTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Nodes idle (not connected) for this long are invoked to keep their instances warm.</summary>
    public TimeSpan WarmUpInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Serving sessions end at a random point between (1 − this) × and 1 × the platform's timeout, so the pool's invocations
    /// (and the reclaims platforms carry out when an invocation ends) are spread out instead of coming all at once. 0 turns
    /// it off. Default 0.5.
    /// </summary>
    public double SessionJitter { get; init; } = 0.5;

    /// <summary>How long a warm-up invocation stays connected.</summary>
    public TimeSpan WarmUpIdleTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A chunk request to a node that takes longer than this counts as a missing chunk.</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A PUT whose chunks do not all arrive within this is abandoned and its chunks deleted.</summary>
    public TimeSpan PutTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Repairs running at once.</summary>
    public int RepairConcurrency { get; init; } = 2;

    /// <summary>Rebuilt chunk bytes stored per second at most, so repairs after a reclaim do not starve serving (0: no limit).</summary>
    public long RepairBytesPerSecond { get; init; } = 256L * 1024 * 1024;

    /// <summary>
    /// How often each node's chunks are delta-synced to a backup peer (another instance of the same function, which takes
    /// over when the primary instance is reclaimed). A node is first backed up this long after its instance was first
    /// seen. <see cref="Timeout.InfiniteTimeSpan"/> turns backups off. Default 5 minutes (InfiniCache's figure).
    /// </summary>
    public TimeSpan BackupInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Backups running at once.</summary>
    public int BackupConcurrency { get; init; } = 2;

    /// <summary>How long a backup peer's invocation stays when idle (the proxy ends it as soon as the sync is done).</summary>
    public TimeSpan BackupIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a scrub pass checks every stored chunk's bytes against its checksum. <see cref="Timeout.InfiniteTimeSpan"/> turns scrubbing off. Default 1 hour.</summary>
    public TimeSpan ScrubInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Chunks a scrub pass verifies per second at most (0: no limit).</summary>
    public int ScrubChunksPerSecond { get; init; } = 500;

    public bool BackupEnabled => BackupInterval != Timeout.InfiniteTimeSpan;
    public bool ScrubEnabled => ScrubInterval != Timeout.InfiniteTimeSpan;

    public ProtocolLimits Protocol { get; init; } = ProtocolLimits.Default;

    public TierProxyOptions Validate()
    {
        if (MaxObjectBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxObjectBytes), MaxObjectBytes, "MaxObjectBytes must be positive.");
        if (PoolMemoryBytes < 0) throw new ArgumentOutOfRangeException(nameof(PoolMemoryBytes), PoolMemoryBytes, "PoolMemoryBytes must not be negative.");
        foreach (var (name, value) in new[] { (nameof(DialBackTimeout), DialBackTimeout), (nameof(NodeIdleTimeout), NodeIdleTimeout), (nameof(WarmUpInterval), WarmUpInterval), (nameof(ChunkTimeout), ChunkTimeout), (nameof(PutTimeout), PutTimeout) })
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        foreach (var (name, value) in new[] { (nameof(BackupInterval), BackupInterval), (nameof(ScrubInterval), ScrubInterval) })
            if (value <= TimeSpan.Zero && value != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive, or Timeout.InfiniteTimeSpan to turn it off.");
        if (BackupIdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(BackupIdleTimeout), BackupIdleTimeout, "BackupIdleTimeout must be positive.");
        if (BackupConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(BackupConcurrency), BackupConcurrency, "BackupConcurrency must be at least 1.");
        if (RepairBytesPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(RepairBytesPerSecond), RepairBytesPerSecond, "RepairBytesPerSecond must not be negative (0: no limit).");
        if (ScrubChunksPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(ScrubChunksPerSecond), ScrubChunksPerSecond, "ScrubChunksPerSecond must not be negative (0: no limit).");
        if (!(SessionJitter is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(SessionJitter), SessionJitter, "SessionJitter must be in [0, 1).");
        if (RepairConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(RepairConcurrency), RepairConcurrency, "RepairConcurrency must be at least 1.");
        return this;
    }
}
