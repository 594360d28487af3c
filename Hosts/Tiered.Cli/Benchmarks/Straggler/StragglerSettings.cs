namespace Tiered.Cli.Benchmarks.Straggler;

/// <summary>What <c>tiered bench straggler</c> measures.</summary>
/// <param name="Codec">The erasure code; every object has one chunk on every node when k+r equals <paramref name="Nodes"/>.</param>
/// <param name="Nodes">Node functions.</param>
/// <param name="ObjectBytes">Size of each object.</param>
/// <param name="Objects">Distinct objects read in turn.</param>
/// <param name="GetsPerRound">GETs per phase per round.</param>
/// <param name="Rounds">Rounds; each runs the no-straggler phase, then the straggler phase (alternating cancels drift).</param>
/// <param name="Slowdown">How many times slower the straggler is than the other nodes.</param>
/// <param name="NodeBytesPerSecond">Every node's bandwidth cap (a Lambda-like instance); the straggler gets this ÷ slowdown.</param>
internal sealed record StragglerSettings(string Codec, int Nodes, int ObjectBytes, int Objects, int GetsPerRound, int Rounds, double Slowdown, long NodeBytesPerSecond)
{
    /// <summary>The bar: GET p50 with one straggler at most this many times the p50 without.</summary>
    public const double Bar = 1.2;
}
