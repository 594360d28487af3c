using Tiered.Cli.Benchmarks.E2e;

namespace Tiered.Cli.Benchmarks.Straggler;

/// <summary>GET latency without and with one straggler node, measured in alternating rounds in one run.</summary>
internal sealed record StragglerReport(StragglerSettings Settings, string StragglerNode, LatencyStats Baseline, LatencyStats WithStraggler, long StragglerChunksServedLate)
{
    /// <summary>p50 with the straggler ÷ p50 without.</summary>
    public double Ratio => WithStraggler.P50Ms / Baseline.P50Ms;

    public bool MeetsBar => Ratio <= StragglerSettings.Bar;
}
