namespace Tiered.Chaos;

/// <summary>When and among which instances a <see cref="ChaosReclaimer"/> reclaims.</summary>
public sealed record ChaosReclaimerOptions
{
    /// <summary>Reclaims per hour of the reclaimer's clock, as a Poisson process (0 = none). Each event reclaims <see cref="InstancesPerEvent"/> instances.</summary>
    public double RatePerHour { get; init; }

    /// <summary>Reclaim every this long from the start (null = never).</summary>
    public TimeSpan? Every { get; init; }

    /// <summary>Reclaim at these offsets from the start.</summary>
    public IReadOnlyList<TimeSpan> At { get; init; } = [];

    /// <summary>Instances reclaimed by each scheduled event (distinct, picked uniformly).</summary>
    public int InstancesPerEvent { get; init; } = 1;

    /// <summary>Only instances of these functions (null = any function).</summary>
    public IReadOnlyCollection<string>? Functions { get; init; }

    /// <summary>Only instances that are not running an invocation.</summary>
    public bool IdleOnly { get; init; }

    /// <summary>Seeds the picks and the Poisson intervals (null = a different run every time).</summary>
    public int? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ChaosReclaimerOptions Validate()
    {
        if (!double.IsFinite(RatePerHour) || RatePerHour < 0) throw new ArgumentOutOfRangeException(nameof(RatePerHour), RatePerHour, "ChaosReclaimerOptions.RatePerHour must be a finite number ≥ 0.");
        if (Every is { } every && every <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Every), every, "ChaosReclaimerOptions.Every must be positive.");
        ArgumentNullException.ThrowIfNull(At);
        foreach (var at in At)
            if (at < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(At), at, "ChaosReclaimerOptions.At offsets must not be negative.");
        if (InstancesPerEvent < 1) throw new ArgumentOutOfRangeException(nameof(InstancesPerEvent), InstancesPerEvent, "ChaosReclaimerOptions.InstancesPerEvent must be at least 1.");
        return this;
    }
}
