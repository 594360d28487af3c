namespace Tiered.Hosting;

/// <summary>
/// The whole composition of a tier, bound from the configuration section <c>Tiered</c> (see docs/configuration.md)
/// and adjusted in code by <see cref="TieredBuilder"/>. Validated when the host starts.
/// </summary>
public sealed class TieredOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Tiered";

    /// <summary>How objects are coded into chunks (<c>Tiered:Codec</c>).</summary>
    public TieredCodecOptions Codec { get; set; } = new();

    /// <summary>How chunks are placed on nodes (<c>Tiered:Placement</c>).</summary>
    public TieredPlacementOptions Placement { get; set; } = new();

    /// <summary>Which platform runs the nodes (<c>Tiered:Backend</c>).</summary>
    public TieredBackendOptions Backend { get; set; } = new();

    /// <summary>Endpoints, timers and limits of the proxy (<c>Tiered:Proxy</c>).</summary>
    public TieredProxySettings Proxy { get; set; } = new();

    /// <summary>The in-process client registered as <c>ITier</c>/<c>TierClient</c> (<c>Tiered:Client</c>).</summary>
    public TieredClientSettings Client { get; set; } = new();

    /// <summary>The Redis-protocol endpoint's settings (<c>Tiered:Resp</c>), consumed by the RESP server package.</summary>
    public TieredRespOptions Resp { get; set; } = new();
}
