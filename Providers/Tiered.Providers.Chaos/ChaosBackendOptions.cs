using System.Net;

namespace Tiered.Chaos;

/// <summary>How a <see cref="ChaosFunctionBackend"/> injects faults.</summary>
public sealed record ChaosBackendOptions
{
    /// <summary>Random faults from the start (change them later with <see cref="ChaosFunctionBackend.Rates"/>).</summary>
    public ChaosFaultRates Rates { get; init; } = ChaosFaultRates.None;

    /// <summary>
    /// The throughput a healthy instance reaches, bytes per second: a straggler made <c>n×</c> slower is capped at
    /// this divided by n. A placeholder of the order of what a Lambda instance's network gives (tens of MB/s to about
    /// 100 MB/s); set it from measurements of the platform being emulated.
    /// </summary>
    public long ReferenceBytesPerSecond { get; init; } = 100L * 1024 * 1024;

    /// <summary>
    /// Route every node's dial-back through a relay, even while no network fault is set, so that a fault set later
    /// (a straggler, a cut) hits connections that are already open. When false, only invocations of functions that
    /// have a network fault at that moment are relayed.
    /// </summary>
    public bool RelayAllDialBacks { get; init; } = true;

    /// <summary>Where relays listen; nodes are told to dial this address (it must be reachable from the instances).</summary>
    public IPAddress RelayAddress { get; init; } = IPAddress.Loopback;

    /// <summary>The buffer each direction of a relayed connection copies through.</summary>
    public int RelayBufferSize { get; init; } = 64 * 1024;

    /// <summary>Seeds every random decision (invocation faults, each relay's drops and stalls).</summary>
    public int? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ChaosBackendOptions Validate()
    {
        ArgumentNullException.ThrowIfNull(Rates);
        Rates.Validate();
        if (ReferenceBytesPerSecond <= 0) throw new ArgumentOutOfRangeException(nameof(ReferenceBytesPerSecond), ReferenceBytesPerSecond, "ChaosBackendOptions.ReferenceBytesPerSecond must be positive.");
        ArgumentNullException.ThrowIfNull(RelayAddress);
        if (RelayBufferSize < 1024) throw new ArgumentOutOfRangeException(nameof(RelayBufferSize), RelayBufferSize, "ChaosBackendOptions.RelayBufferSize must be at least 1024 bytes.");
        return this;
    }
}
