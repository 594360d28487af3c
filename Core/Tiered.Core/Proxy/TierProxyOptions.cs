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

    /// <summary>How long a warm-up invocation stays connected.</summary>
    public TimeSpan WarmUpIdleTimeout { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>A chunk request to a node that takes longer than this counts as a missing chunk.</summary>
    public TimeSpan ChunkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A PUT whose chunks do not all arrive within this is abandoned and its chunks deleted.</summary>
    public TimeSpan PutTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Repairs running at once.</summary>
    public int RepairConcurrency { get; init; } = 2;

    public ProtocolLimits Protocol { get; init; } = ProtocolLimits.Default;

    public TierProxyOptions Validate()
    {
        if (MaxObjectBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MaxObjectBytes), MaxObjectBytes, "MaxObjectBytes must be positive.");
        if (PoolMemoryBytes < 0) throw new ArgumentOutOfRangeException(nameof(PoolMemoryBytes), PoolMemoryBytes, "PoolMemoryBytes must not be negative.");
        foreach (var (name, value) in new[] { (nameof(DialBackTimeout), DialBackTimeout), (nameof(NodeIdleTimeout), NodeIdleTimeout), (nameof(WarmUpInterval), WarmUpInterval), (nameof(ChunkTimeout), ChunkTimeout), (nameof(PutTimeout), PutTimeout) })
            if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
        if (RepairConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(RepairConcurrency), RepairConcurrency, "RepairConcurrency must be at least 1.");
        return this;
    }
}
