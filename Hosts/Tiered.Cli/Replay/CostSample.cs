namespace Tiered.Cli.Replay;

/// <summary>One point of the cost curve: cumulative dollars of both options at a simulated time.</summary>
/// <param name="Simulated">Simulated time since the tier started.</param>
/// <param name="TieredDollars">Lambda-priced cost of the invocations metered so far (an invocation counts when it ends).</param>
/// <param name="CacheDollars">ElastiCache nodes for the peak footprint so far, billed pro rata up to this time.</param>
internal readonly record struct CostSample(TimeSpan Simulated, decimal TieredDollars, decimal CacheDollars);
