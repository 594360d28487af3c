namespace Tiered.Functions;

/// <summary>What one function instance may use.</summary>
/// <param name="MemoryBytes">Memory per instance (it bounds the chunks an instance can hold).</param>
/// <param name="Timeout">The longest an invocation may run before the platform stops it.</param>
/// <param name="MaxConcurrency">Instances of one function that may run at once.</param>
/// <param name="StorageFraction">
/// The share of <paramref name="MemoryBytes"/> a node keeps for chunks on this platform (its function host's default): the
/// proxy sizes its pool from it. 0.8 where the node is the only process (Lambda, Cloud Run, Local); lower where a host shares
/// the instance (Azure Functions: 0.6).
/// </param>
public sealed record FunctionLimits(long MemoryBytes, TimeSpan Timeout, int MaxConcurrency, double StorageFraction = 0.8)
{
    public static FunctionLimits Default { get; } = new(1536L * 1024 * 1024, TimeSpan.FromMinutes(15), 1000);

    /// <summary>Throws when a limit is not positive, naming it.</summary>
    public FunctionLimits Validate()
    {
        if (MemoryBytes <= 0) throw new ArgumentOutOfRangeException(nameof(MemoryBytes), MemoryBytes, "Function memory must be positive.");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "Function timeout must be positive.");
        if (MaxConcurrency <= 0) throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "Function concurrency must be positive.");
        if (!(StorageFraction is > 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(StorageFraction), StorageFraction, "The storage fraction must be in (0, 1].");
        return this;
    }
}
