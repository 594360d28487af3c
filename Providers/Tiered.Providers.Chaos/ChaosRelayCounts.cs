namespace Tiered.Chaos;

/// <summary>What a <see cref="ChaosRelay"/> (or all the relays of a backend) has done so far.</summary>
/// <param name="Accepted">Connections accepted.</param>
/// <param name="Dropped">Connections dropped at once.</param>
/// <param name="Stalled">Connections stalled before forwarding.</param>
/// <param name="Cut">Live connections cut on demand.</param>
/// <param name="DelayedWrites">Writes delayed by the write latency.</param>
/// <param name="ThrottleWaits">Writes that had to wait for a bandwidth cap.</param>
/// <param name="ClientToUpstreamBytes">Bytes forwarded from clients (nodes) to the upstream (proxy).</param>
/// <param name="UpstreamToClientBytes">Bytes forwarded from the upstream to clients.</param>
/// <param name="ThrottledBytes">Bytes forwarded under a bandwidth cap (either direction).</param>
public sealed record ChaosRelayCounts(
    long Accepted,
    long Dropped,
    long Stalled,
    long Cut,
    long DelayedWrites,
    long ThrottleWaits,
    long ClientToUpstreamBytes,
    long UpstreamToClientBytes,
    long ThrottledBytes)
{
    /// <summary>Nothing yet.</summary>
    public static ChaosRelayCounts Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The sum of two counts.</summary>
    public static ChaosRelayCounts operator +(ChaosRelayCounts a, ChaosRelayCounts b) => new(
        a.Accepted + b.Accepted, a.Dropped + b.Dropped, a.Stalled + b.Stalled, a.Cut + b.Cut, a.DelayedWrites + b.DelayedWrites,
        a.ThrottleWaits + b.ThrottleWaits, a.ClientToUpstreamBytes + b.ClientToUpstreamBytes, a.UpstreamToClientBytes + b.UpstreamToClientBytes,
        a.ThrottledBytes + b.ThrottledBytes);
}
