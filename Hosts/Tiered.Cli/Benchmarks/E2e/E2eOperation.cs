namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>What a row of the end-to-end table measured.</summary>
internal enum E2eOperation
{
    /// <summary>The very first PUT, which cold-starts the node functions (Tiered only; one sample).</summary>
    ColdPut,
    /// <summary>Sequential PUTs (SET) from one client.</summary>
    Put,
    /// <summary>Sequential GETs from one client.</summary>
    Get,
    /// <summary>GETs from several concurrent tasks sharing one client.</summary>
    ConcurrentGet,
}
