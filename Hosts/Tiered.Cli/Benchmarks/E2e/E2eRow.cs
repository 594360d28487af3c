namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>
/// One row of the table: an operation on objects of one size, Tiered's figures and (when measured) Redis's,
/// with the Tiered/Redis p50 ratio and the bar that applies to it, if any.
/// </summary>
internal sealed record E2eRow(long Size, E2eOperation Operation, int Concurrency, LatencyStats Tiered, LatencyStats? Redis, double? TieredAllocatedBytesPerOp,
    TieredCpu? Cpu = null)
{
    /// <summary>Tiered p50 ÷ Redis p50 (above 1: Tiered is slower).</summary>
    public double? Ratio => Redis is null || Redis.P50Ms <= 0 ? null : Tiered.P50Ms / Redis.P50Ms;

    /// <summary>The largest acceptable <see cref="Ratio"/> (issue 4's bar), or null when none applies.</summary>
    public double? Bar => (Operation, Size) switch
    {
        (E2eOperation.Get, 100L << 20) => 1.5,
        (E2eOperation.Get, 10L << 20) => 1.5,
        (E2eOperation.Get, 1L << 20) => 3.0,
        (E2eOperation.Put, 100L << 20) => 2.0,
        _ => null,
    };

    /// <summary>True/false when a bar applies and Redis was measured; null otherwise.</summary>
    public bool? MeetsBar => Bar is { } bar && Ratio is { } ratio ? ratio <= bar : null;

    public string Label => Operation switch
    {
        E2eOperation.ColdPut => "PUT cold",
        E2eOperation.Put => "PUT",
        E2eOperation.Get => "GET",
        E2eOperation.ConcurrentGet => $"GET x{Concurrency}",
        _ => Operation.ToString(),
    };
}

/// <summary>
/// CPU time per Tiered operation: this process's (client, plus proxy and nodes when they run in-process) and the
/// tier child process's when they run there. CPU ms above the latency means several cores were busy.
/// </summary>
internal sealed record TieredCpu(double ThisProcessMsPerOp, double? TierProcessMsPerOp)
{
    public double TotalMsPerOp => ThisProcessMsPerOp + (TierProcessMsPerOp ?? 0);
}
