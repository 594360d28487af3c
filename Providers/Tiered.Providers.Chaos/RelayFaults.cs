using System.Globalization;

namespace Tiered.Chaos;

/// <summary>
/// What a <see cref="ChaosRelay"/> does to the traffic through it. Connection faults (drop, stall) are decided once
/// per new connection; link faults (latency, bandwidth) are read again for every write, so changing them affects
/// live connections at once.
/// </summary>
public sealed record RelayFaults
{
    /// <summary>No faults: bytes pass as fast as the sockets allow.</summary>
    public static RelayFaults None { get; } = new();

    /// <summary>Chance that a new connection is closed at once (reset), never reaching the upstream.</summary>
    public double DropProbability { get; init; }

    /// <summary>Chance that a new connection is held for <see cref="StallDuration"/> before the relay dials the upstream and forwards anything.</summary>
    public double StallProbability { get; init; }

    /// <summary>How long a stalled connection is held.</summary>
    public TimeSpan StallDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Added before every write the relay forwards (both directions).</summary>
    public TimeSpan WriteLatency { get; init; }

    /// <summary>Bandwidth cap from client to upstream, bytes per second (0 = none).</summary>
    public long ClientToUpstreamBytesPerSecond { get; init; }

    /// <summary>Bandwidth cap from upstream to client, bytes per second (0 = none).</summary>
    public long UpstreamToClientBytesPerSecond { get; init; }

    /// <summary>Whether any fault is set.</summary>
    public bool IsNone => DropProbability <= 0 && StallProbability <= 0 && WriteLatency <= TimeSpan.Zero
        && ClientToUpstreamBytesPerSecond <= 0 && UpstreamToClientBytesPerSecond <= 0;

    /// <summary>The cap of one direction (0 = none).</summary>
    public long BytesPerSecond(RelayDirection direction) =>
        direction == RelayDirection.ClientToUpstream ? ClientToUpstreamBytesPerSecond : UpstreamToClientBytesPerSecond;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad value.</summary>
    public RelayFaults Validate()
    {
        CheckProbability(DropProbability, nameof(DropProbability));
        CheckProbability(StallProbability, nameof(StallProbability));
        if (StallDuration < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StallDuration), StallDuration, "RelayFaults.StallDuration must not be negative.");
        if (WriteLatency < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(WriteLatency), WriteLatency, "RelayFaults.WriteLatency must not be negative.");
        if (ClientToUpstreamBytesPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(ClientToUpstreamBytesPerSecond), ClientToUpstreamBytesPerSecond, "RelayFaults.ClientToUpstreamBytesPerSecond must not be negative.");
        if (UpstreamToClientBytesPerSecond < 0) throw new ArgumentOutOfRangeException(nameof(UpstreamToClientBytesPerSecond), UpstreamToClientBytesPerSecond, "RelayFaults.UpstreamToClientBytesPerSecond must not be negative.");
        return this;
    }

    internal static void CheckProbability(double value, string name)
    {
        if (double.IsNaN(value) || value < 0 || value > 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be a probability between 0 and 1.");
    }

    /// <summary>A compact description, e.g. <c>drop 0.5, latency 2ms, 1048576 B/s up</c>.</summary>
    public override string ToString()
    {
        if (IsNone) return "none";
        var parts = new List<string>();
        if (DropProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"drop {DropProbability}"));
        if (StallProbability > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"stall {StallProbability} for {StallDuration}"));
        if (WriteLatency > TimeSpan.Zero) parts.Add($"write latency {WriteLatency}");
        if (ClientToUpstreamBytesPerSecond > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{ClientToUpstreamBytesPerSecond} B/s client→upstream"));
        if (UpstreamToClientBytesPerSecond > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{UpstreamToClientBytesPerSecond} B/s upstream→client"));
        return string.Join(", ", parts);
    }
}
