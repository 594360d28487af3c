namespace Tiered.Hosting;

/// <summary>
/// Settings of the Redis-protocol (RESP2) endpoint (<c>Tiered:Resp</c>). Hosting only binds and validates them; the
/// RESP server (registered separately, e.g. <c>AddTieredResp()</c>) reads them from
/// <c>IOptions&lt;TieredOptions&gt;.Value.Resp</c> or <c>IOptions&lt;TieredRespOptions&gt;</c>.
/// </summary>
public sealed class TieredRespOptions
{
    /// <summary>The default RESP port: next to the proxy's defaults (6380, 6381), never Redis's own 6379.</summary>
    public const int DefaultPort = 6382;

    /// <summary>Whether the endpoint listens. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The port (on <see cref="TieredProxySettings.Host"/>); 0 picks a free one. Default 6382.</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>The password clients must give with AUTH (Redis <c>requirepass</c>); null or empty: no AUTH needed.</summary>
    public string? RequirePass { get; set; }
}
