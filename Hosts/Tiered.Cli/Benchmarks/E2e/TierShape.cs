namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>The tier a benchmark composes: how many node functions, their memory, and the codec objects use.</summary>
internal sealed record TierShape(int Nodes, int MemoryMiB, string Codec)
{
    /// <summary>How long a node stays connected without requests: longer than any phase, so timed runs find it warm.</summary>
    public static TimeSpan NodeIdleTimeout { get; } = TimeSpan.FromMinutes(5);
}
