namespace Tiered.Chaos;

/// <summary>What set off a scheduled fault.</summary>
public enum ChaosTrigger
{
    /// <summary>An event of a Poisson process (a rate per hour).</summary>
    Rate,
    /// <summary>An explicit offset from the start.</summary>
    Schedule,
    /// <summary>A fixed period (every X).</summary>
    Periodic,
    /// <summary>A direct call (<c>ReclaimNow</c>, <c>CorruptRandomChunk</c>, …).</summary>
    Manual,
}
