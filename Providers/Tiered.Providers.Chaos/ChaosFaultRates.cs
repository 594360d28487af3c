using System.Globalization;

namespace Tiered.Chaos;

/// <summary>
/// Random faults of <see cref="ChaosFunctionBackend"/>: each invocation (or each dial-back) of a function in
/// <see cref="Functions"/> is hit with the given probability, drawn from the backend's seeded random.
/// </summary>
public sealed record ChaosFaultRates
{
    /// <summary>No random faults.</summary>
    public static ChaosFaultRates None { get; } = new();

    /// <summary>Chance that an invocation fails with <see cref="ChaosInvocationException"/> (as a platform error: nothing runs).</summary>
    public double FailInvocationProbability { get; init; }

    /// <summary>Latency added before an invocation reaches the platform.</summary>
    public TimeSpan InvocationLatency { get; init; }

    /// <summary>Chance that an invocation gets <see cref="InvocationLatency"/> (1 = every one).</summary>
    public double InvocationLatencyProbability { get; init; } = 1;

    /// <summary>Chance that a node's dial-back is closed by the relay before it reaches the proxy.</summary>
    public double DropDialBackProbability { get; init; }

    /// <summary>Chance that a node's dial-back is held for <see cref="StallDuration"/> before anything is forwarded.</summary>
    public double StallDialBackProbability { get; init; }

    /// <summary>How long a stalled dial-back is held.</summary>
    public TimeSpan StallDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Latency added to every write on every relayed node connection.</summary>
    public TimeSpan WriteLatency { get; init; }

    /// <summary>Only these functions get random faults (null = all).</summary>
    public IReadOnlyCollection<string>? Functions { get; init; }

    /// <summary>Whether no random fault is set.</summary>
    public bool IsNone => FailInvocationProbability <= 0 && (InvocationLatency <= TimeSpan.Zero || InvocationLatencyProbability <= 0)
        && DropDialBackProbability <= 0 && StallDialBackProbability <= 0 && WriteLatency <= TimeSpan.Zero;

    /// <summary>Whether a random fault needs node connections to go through a relay.</summary>
    public bool HasNetworkFaults => DropDialBackProbability > 0 || StallDialBackProbability > 0 || WriteLatency > TimeSpan.Zero;

    /// <summary>Whether <paramref name="function"/> is in scope.</summary>
    public bool Covers(string function) => Functions is null || Functions.Contains(function);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public ChaosFaultRates Validate()
    {
        RelayFaults.CheckProbability(FailInvocationProbability, nameof(FailInvocationProbability));
        RelayFaults.CheckProbability(InvocationLatencyProbability, nameof(InvocationLatencyProbability));
        RelayFaults.CheckProbability(DropDialBackProbability, nameof(DropDialBackProbability));
        RelayFaults.CheckProbability(StallDialBackProbability, nameof(StallDialBackProbability));
        if (InvocationLatency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InvocationLatency), InvocationLatency, "ChaosFaultRates.InvocationLatency must not be negative.");
        if (StallDuration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallDuration), StallDuration, "ChaosFaultRates.StallDuration must not be negative.");
        if (WriteLatency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WriteLatency), WriteLatency, "ChaosFaultRates.WriteLatency must not be negative.");
        return this;
    }

    /// <summary>A compact description.</summary>
    public override string ToString()
    {
        if (IsNone) return "none";
        var parts = new List<string>();
        if (FailInvocationProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"fail {FailInvocationProbability}"));
        if (InvocationLatency > TimeSpan.Zero && InvocationLatencyProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"invocation latency {InvocationLatency} at {InvocationLatencyProbability}"));
        if (DropDialBackProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"drop dial-back {DropDialBackProbability}"));
        if (StallDialBackProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"stall dial-back {StallDialBackProbability} for {StallDuration}"));
        if (WriteLatency > TimeSpan.Zero) parts.Add($"write latency {WriteLatency}");
        if (Functions is not null) parts.Add($"only {string.Join("+", Functions)}");
        return string.Join(", ", parts);
    }
}
