using System.Net;

namespace Tiered.Chaos;

/// <summary>How a <see cref="ChaosRelay"/> listens and copies.</summary>
public sealed record ChaosRelayOptions
{
    /// <summary>Names the relay in logs and metrics (a backend names each relay after its function).</summary>
    public string Name { get; init; } = "relay";

    /// <summary>Where the relay listens (port 0 picks a free one).</summary>
    public IPEndPoint ListenEndPoint { get; init; } = new(IPAddress.Loopback, 0);

    /// <summary>Size of the pooled buffer each direction of a connection copies through.</summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>How long to wait for the upstream to accept a connection (system clock: the network does not run on a fake one).</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Seeds the per-connection drop and stall decisions.</summary>
    public int? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ChaosRelayOptions Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentNullException.ThrowIfNull(ListenEndPoint);
        if (BufferSize < 1024) throw new ArgumentOutOfRangeException(nameof(BufferSize), BufferSize, "ChaosRelayOptions.BufferSize must be at least 1024 bytes.");
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectTimeout), ConnectTimeout, "ChaosRelayOptions.ConnectTimeout must be positive.");
        return this;
    }
}
