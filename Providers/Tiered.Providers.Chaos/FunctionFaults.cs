using System.Globalization;

namespace Tiered.Chaos;

/// <summary>
/// Faults aimed at one function by <see cref="ChaosFunctionBackend"/> (deterministic: every invocation or dial-back
/// of that function is hit). Set with <see cref="ChaosFunctionBackend.SetFaults"/> or the helpers
/// (<see cref="ChaosFunctionBackend.MakeStraggler"/>, <see cref="ChaosFunctionBackend.DropDialBacks"/>, …).
/// </summary>
public sealed record FunctionFaults
{
    /// <summary>No faults.</summary>
    public static FunctionFaults None { get; } = new();

    /// <summary>Every invocation fails (the backend's task faults with <see cref="ChaosInvocationException"/>).</summary>
    public bool FailInvocations { get; init; }

    /// <summary>Added before every invocation reaches the platform.</summary>
    public TimeSpan InvocationLatency { get; init; }

    /// <summary>Every dial-back is closed at once by the relay (the node cannot reach the proxy).</summary>
    public bool DropDialBacks { get; init; }

    /// <summary>Every dial-back is held this long before the relay forwards anything (null = none).</summary>
    public TimeSpan? StallDialBacks { get; init; }

    /// <summary>Added before every write on the node's connection (both directions).</summary>
    public TimeSpan WriteLatency { get; init; }

    /// <summary>Bandwidth cap node → proxy in bytes per second (0 = none): what a straggler serves its chunks at.</summary>
    public long NodeToProxyBytesPerSecond { get; init; }

    /// <summary>Bandwidth cap proxy → node in bytes per second (0 = none): what a straggler receives chunks at.</summary>
    public long ProxyToNodeBytesPerSecond { get; init; }

    /// <summary>Whether any fault is set.</summary>
    public bool IsNone => !FailInvocations && InvocationLatency <= TimeSpan.Zero && !DropDialBacks && StallDialBacks is null
        && WriteLatency <= TimeSpan.Zero && NodeToProxyBytesPerSecond <= 0 && ProxyToNodeBytesPerSecond <= 0;

    /// <summary>Whether a fault needs the node's connection to go through a relay.</summary>
    public bool HasNetworkFaults => DropDialBacks || StallDialBacks is not null || WriteLatency > TimeSpan.Zero
        || NodeToProxyBytesPerSecond > 0 || ProxyToNodeBytesPerSecond > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public FunctionFaults Validate()
    {
        if (InvocationLatency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InvocationLatency), InvocationLatency, "FunctionFaults.InvocationLatency must not be negative.");
        if (StallDialBacks is { } stall && stall <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallDialBacks), stall, "FunctionFaults.StallDialBacks must be positive.");
        if (WriteLatency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WriteLatency), WriteLatency, "FunctionFaults.WriteLatency must not be negative.");
        if (NodeToProxyBytesPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(NodeToProxyBytesPerSecond), NodeToProxyBytesPerSecond, "FunctionFaults.NodeToProxyBytesPerSecond must not be negative.");
        if (ProxyToNodeBytesPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(ProxyToNodeBytesPerSecond), ProxyToNodeBytesPerSecond, "FunctionFaults.ProxyToNodeBytesPerSecond must not be negative.");
        return this;
    }

    /// <summary>A compact description, e.g. <c>fail, 2097152 B/s node→proxy</c>.</summary>
    public override string ToString()
    {
        if (IsNone) return "none";
        var parts = new List<string>();
        if (FailInvocations) parts.Add("fail invocations");
        if (InvocationLatency > TimeSpan.Zero) parts.Add($"invocation latency {InvocationLatency}");
        if (DropDialBacks) parts.Add("drop dial-backs");
        if (StallDialBacks is { } stall) parts.Add($"stall dial-backs {stall}");
        if (WriteLatency > TimeSpan.Zero) parts.Add($"write latency {WriteLatency}");
        if (NodeToProxyBytesPerSecond > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{NodeToProxyBytesPerSecond} B/s node→proxy"));
        if (ProxyToNodeBytesPerSecond > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{ProxyToNodeBytesPerSecond} B/s proxy→node"));
        return string.Join(", ", parts);
    }
}
