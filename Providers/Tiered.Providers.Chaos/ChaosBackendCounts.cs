namespace Tiered.Chaos;

/// <summary>What a <see cref="ChaosFunctionBackend"/> has injected so far.</summary>
/// <param name="Invocations">Invocations that came through the backend.</param>
/// <param name="FailedInvocations">Invocations failed on purpose.</param>
/// <param name="DelayedInvocations">Invocations delayed on purpose.</param>
/// <param name="RelayedInvocations">Invocations whose dial-back was pointed at a relay.</param>
/// <param name="Relays">What the backend's relays did (drops, stalls, cuts, latency, bandwidth).</param>
public sealed record ChaosBackendCounts(long Invocations, long FailedInvocations, long DelayedInvocations, long RelayedInvocations, ChaosRelayCounts Relays);
