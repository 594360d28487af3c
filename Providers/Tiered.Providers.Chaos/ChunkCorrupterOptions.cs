namespace Tiered.Chaos;

/// <summary>When and where a <see cref="ChunkCorrupter"/> corrupts chunks.</summary>
public sealed record ChunkCorrupterOptions
{
    /// <summary>Corruptions per hour of the corrupter's clock, as a Poisson process (0 = only on demand).</summary>
    public double RatePerHour { get; init; }

    /// <summary>Bytes flipped per corruption (distinct positions; fewer when the chunk is shorter).</summary>
    public int BytesPerCorruption { get; init; } = 1;

    /// <summary>Only chunks held by these functions' instances (null = any).</summary>
    public IReadOnlyCollection<string>? Functions { get; init; }

    /// <summary>Seeds the picks, the positions, the flips and the Poisson intervals.</summary>
    public int? Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad option.</summary>
    public ChunkCorrupterOptions Validate()
    {
        if (!double.IsFinite(RatePerHour) || RatePerHour < 0) throw new ArgumentOutOfRangeException(nameof(RatePerHour), RatePerHour, "ChunkCorrupterOptions.RatePerHour must be a finite number ≥ 0.");
        if (BytesPerCorruption < 1) throw new ArgumentOutOfRangeException(nameof(BytesPerCorruption), BytesPerCorruption, "ChunkCorrupterOptions.BytesPerCorruption must be at least 1.");
        return this;
    }
}
