namespace Tiered.Hosting;

/// <summary>The in-process client registered as <c>ITier</c> and <c>TierClient</c> (<c>Tiered:Client</c>).</summary>
public sealed class TieredClientSettings
{
    /// <summary>Parallel connections to the proxy; an object's chunks are spread over them. Default 4.</summary>
    public int ConnectionsPerProxy { get; set; } = 4;

    /// <summary>A request that takes longer fails. Default 1 minute.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(1);
}
