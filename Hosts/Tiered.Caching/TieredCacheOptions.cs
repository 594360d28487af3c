using Tiered.Client;

namespace Tiered.Caching;

/// <summary>How <see cref="TieredDistributedCache"/> reaches the tier (like <c>RedisCacheOptions</c>).</summary>
public sealed class TieredCacheOptions
{
    /// <summary>The proxies' client endpoints, as <c>host:port</c> (e.g. <c>127.0.0.1:7700</c>). Ignored when <see cref="ClientFactory"/> is set.</summary>
    public IList<string> Proxies { get; set; } = [];

    /// <summary>The codec objects are stored with, by name (<c>rs(10,2)</c>, <c>raid5(4)</c>, <c>replication(3)</c>, …).</summary>
    public string Codec { get; set; } = "rs(10,2)";

    /// <summary>Parallel connections to each proxy.</summary>
    public int ConnectionsPerProxy { get; set; } = 4;

    /// <summary>A request that takes longer than this fails.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A prefix for every key, so that several applications can share a tier (like <c>RedisCacheOptions.InstanceName</c>).</summary>
    public string? InstanceName { get; set; }

    /// <summary>Supplies an existing client instead of creating one from <see cref="Proxies"/>; the cache does not dispose it.</summary>
    public Func<TierClient>? ClientFactory { get; set; }

    /// <summary>The clock for expirations; otherwise the <see cref="TimeProvider"/> registered in DI, else the system clock.</summary>
    public TimeProvider? TimeProvider { get; set; }
}
