namespace Tiered.Chaos;

/// <summary>What a <see cref="ChaosFunctionHandler"/> does to the invocations of its instance.</summary>
public sealed record ChaosHandlerOptions
{
    /// <summary>No faults.</summary>
    public static ChaosHandlerOptions None { get; } = new();

    /// <summary>Delay before the inner handler starts (the instance is slow to start); zero = none.</summary>
    public TimeSpan StartDelay { get; init; }

    /// <summary>Chance that an invocation (or only the first, with <see cref="ColdStartOnly"/>) gets <see cref="StartDelay"/>.</summary>
    public double StartDelayProbability { get; init; } = 1;

    /// <summary>Only the instance's first invocation (its cold start) may be slow.</summary>
    public bool ColdStartOnly { get; init; }

    /// <summary>Whether any fault is set.</summary>
    public bool IsNone => StartDelay <= TimeSpan.Zero || StartDelayProbability <= 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ChaosHandlerOptions Validate()
    {
        if (StartDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(StartDelay), StartDelay, "ChaosHandlerOptions.StartDelay must not be negative.");
        RelayFaults.CheckProbability(StartDelayProbability, nameof(StartDelayProbability));
        return this;
    }
}
