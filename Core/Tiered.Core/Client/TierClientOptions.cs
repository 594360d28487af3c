using System.Net;
using Tiered.Coding;
using Tiered.Protocol;

namespace Tiered.Client;

/// <summary>How a client reaches its proxies and codes objects.</summary>
public sealed record TierClientOptions
{
    /// <summary>The proxies; a key always goes to the same one (rendezvous hashing over their addresses).</summary>
    public required IReadOnlyList<IPEndPoint> Proxies { get; init; }

    /// <summary>Parallel connections to each proxy; an object's chunks are spread over them.</summary>
    public int ConnectionsPerProxy { get; init; } = 4;

    /// <summary>A request that takes longer than this fails.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Finds the codec of an object stored with a codec other than the client's own.</summary>
    public Func<string, IErasureCodec>? CodecResolver { get; init; }

    public ProtocolLimits Protocol { get; init; } = ProtocolLimits.Default;

    public TierClientOptions Validate()
    {
        if (Proxies is null || Proxies.Count == 0) throw new ArgumentException("TierClientOptions.Proxies must name at least one proxy.", nameof(Proxies));
        if (ConnectionsPerProxy < 1) throw new ArgumentOutOfRangeException(nameof(ConnectionsPerProxy), ConnectionsPerProxy, "TierClientOptions.ConnectionsPerProxy must be at least 1.");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "TierClientOptions.RequestTimeout must be positive.");
        return this;
    }
}
