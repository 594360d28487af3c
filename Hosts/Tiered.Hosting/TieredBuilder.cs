using Microsoft.Extensions.DependencyInjection;
using Tiered.Coding;
using Tiered.Functions;
using Tiered.Placement;

namespace Tiered.Hosting;

/// <summary>
/// Composes a tier in code, on top of what the <c>Tiered</c> configuration section says (code wins: each call is applied
/// after configuration binding). Returned by <see cref="TieredServiceCollectionExtensions.AddTiered"/>.
/// </summary>
public sealed class TieredBuilder
{
    internal TieredBuilder(IServiceCollection services, TieredComponentRegistry registry)
    {
        Services = services;
        Registry = registry;
    }

    /// <summary>The service collection the tier is registered in.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The codecs, placements and backends known by name.</summary>
    public TieredComponentRegistry Registry { get; }

    /// <summary>Adjusts any option (applied after configuration binding).</summary>
    public TieredBuilder Configure(Action<TieredOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    // ----- codecs -----

    /// <summary>Uses the codec named <paramref name="spec"/>: <c>rs(10,2)</c>, <c>replication(3)</c>, <c>raid5(4,unit=65536)</c>, or a registered kind with parameters.</summary>
    /// <exception cref="ArgumentException">The name is malformed (an unknown kind is reported when the host starts).</exception>
    public TieredBuilder UseCodec(string spec)
    {
        var probe = new TieredCodecOptions();
        TieredCodecs.Apply(probe, spec);
        return Configure(o => TieredCodecs.Apply(o.Codec, spec));
    }

    /// <summary>Reed-Solomon with <paramref name="dataShards"/> data and <paramref name="parityShards"/> parity shards (k+r ≤ 256).</summary>
    public TieredBuilder UseReedSolomon(int dataShards, int parityShards) => SetCodec("rs", dataShards, parityShards);

    /// <summary><paramref name="copies"/> identical copies of every object.</summary>
    public TieredBuilder UseReplication(int copies = 3) => SetCodec("replication", copies: copies);

    /// <summary>RAID-0: striping over <paramref name="dataShards"/> shards, no parity.</summary>
    public TieredBuilder UseRaid0(int dataShards, int? stripeUnit = null) => SetCodec("raid0", dataShards, stripeUnit: stripeUnit);

    /// <summary>RAID-1: <paramref name="copies"/> mirrored copies.</summary>
    public TieredBuilder UseRaid1(int copies = 2) => SetCodec("raid1", copies: copies);

    /// <summary>RAID-4: <paramref name="dataShards"/> data shards and a dedicated XOR parity shard.</summary>
    public TieredBuilder UseRaid4(int dataShards, int? stripeUnit = null) => SetCodec("raid4", dataShards, stripeUnit: stripeUnit);

    /// <summary>RAID-5: <paramref name="dataShards"/> data shards and rotating XOR parity (left-symmetric).</summary>
    public TieredBuilder UseRaid5(int dataShards, int? stripeUnit = null) => SetCodec("raid5", dataShards, stripeUnit: stripeUnit);

    /// <summary>RAID-6: <paramref name="dataShards"/> data shards and rotating P and Q parity.</summary>
    public TieredBuilder UseRaid6(int dataShards, int? stripeUnit = null) => SetCodec("raid6", dataShards, stripeUnit: stripeUnit);

    /// <summary>Registers a codec kind; select it with <c>Tiered:Codec:Kind</c> or <see cref="UseCodec"/>. The factory receives the codec settings (parameters included).</summary>
    public TieredBuilder AddCodec(string kind, Func<TieredCodecOptions, IErasureCodec> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        Registry.Codecs[kind.Trim()] = factory;
        return this;
    }

    // ----- placement -----

    /// <summary>Uses the placement named <paramref name="spec"/>: <c>rendezvous</c>, <c>vnodes(160)</c>, <c>maglev(65537)</c>, <c>bounded(1.25)</c>, … or a registered kind.</summary>
    /// <exception cref="ArgumentException">The name is malformed (an unknown kind is reported when the host starts).</exception>
    public TieredBuilder UsePlacement(string spec)
    {
        TieredPlacements.Apply(new TieredPlacementOptions(), spec);
        return Configure(o => TieredPlacements.Apply(o.Placement, spec));
    }

    /// <summary>Rendezvous (highest random weight) hashing: perfect balance, minimal movement. The default.</summary>
    public TieredBuilder UseRendezvous() => SetPlacement("rendezvous");

    /// <summary>A consistent-hash ring with <paramref name="virtualNodes"/> tokens per weight-1 node.</summary>
    public TieredBuilder UseVirtualNodes(int virtualNodes = 160) => SetPlacement("vnodes", o => o.VirtualNodes = virtualNodes);

    /// <summary>A consistent-hash ring with one token per node.</summary>
    public TieredBuilder UseConsistentHashing() => SetPlacement("ring");

    /// <summary>hash mod n.</summary>
    public TieredBuilder UseModulo() => SetPlacement("modulo");

    /// <summary>Jump consistent hashing.</summary>
    public TieredBuilder UseJump() => SetPlacement("jump");

    /// <summary>Maglev hashing with a prime table size.</summary>
    public TieredBuilder UseMaglev(int? tableSize = null) => SetPlacement("maglev", o => o.MaglevTableSize = tableSize);

    /// <summary>Consistent hashing with bounded loads (capacity factor c).</summary>
    public TieredBuilder UseBoundedLoads(double capacityFactor = 1.25) => SetPlacement("bounded", o => o.CapacityFactor = capacityFactor);

    /// <summary>Registers a placement kind; select it with <c>Tiered:Placement:Kind</c> or <see cref="UsePlacement"/>.</summary>
    public TieredBuilder AddPlacement(string kind, Func<TieredPlacementOptions, IPlacement<string>> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        Registry.Placements[kind.Trim()] = factory;
        return this;
    }

    // ----- backends -----

    /// <summary>Selects the backend registered as <paramref name="kind"/> (as <c>Tiered:Backend:Kind</c> does).</summary>
    public TieredBuilder UseBackend(string kind)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        return Configure(o => o.Backend.Kind = kind);
    }

    /// <summary>
    /// Registers a function backend by name. A provider package does this from its own extension (e.g. <c>UseAwsLambda</c>),
    /// binding its settings from <c>Tiered:Backend:{configurationSection}</c>.
    /// </summary>
    /// <param name="kind">The name <c>Tiered:Backend:Kind</c> selects it by.</param>
    /// <param name="factory">Builds the backend when the tier starts.</param>
    /// <param name="configurationSection">Its sub-section of <c>Tiered:Backend</c>, if it has settings.</param>
    /// <param name="settingsType">The type bound from that section (its properties are the known keys; null: any key).</param>
    /// <param name="validate">Problems with its settings, each naming its full key; run at start when it is selected.</param>
    /// <param name="disposeWithTier">Whether the tier disposes the backend on shutdown (false when the container owns it).</param>
    public TieredBuilder AddBackend(string kind, Func<IServiceProvider, IFunctionBackend> factory, string? configurationSection = null,
        Type? settingsType = null, Func<IServiceProvider, IEnumerable<string>>? validate = null, bool disposeWithTier = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentNullException.ThrowIfNull(factory);
        Registry.Backends[kind.Trim()] = new TieredBackendRegistration(kind.Trim(), factory, configurationSection, settingsType, validate, disposeWithTier);
        return this;
    }

    // ----- proxy, client, RESP -----

    /// <summary>Adjusts the proxy's endpoints, timers and limits.</summary>
    public TieredBuilder ConfigureProxy(Action<TieredProxySettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Proxy));
    }

    /// <summary>Adjusts the in-process client.</summary>
    public TieredBuilder ConfigureClient(Action<TieredClientSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Client));
    }

    /// <summary>Adjusts the Redis-protocol endpoint's settings.</summary>
    public TieredBuilder ConfigureResp(Action<TieredRespOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return Configure(o => configure(o.Resp));
    }

    /// <summary>
    /// Declares more configuration keys as known under <c>Tiered:{relativePath}</c> (e.g. <c>"Resp"</c> with a RESP
    /// server's own settings type) so the unknown-key check accepts them; a null type accepts any key there.
    /// </summary>
    public TieredBuilder AllowConfigurationSection(string relativePath, Type? settingsType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(relativePath);
        if (!Registry.ExtraConfiguration.TryGetValue(relativePath, out var types)) Registry.ExtraConfiguration[relativePath] = types = [];
        types.Add(settingsType);
        return this;
    }

    private TieredBuilder SetCodec(string kind, int? dataShards = null, int? parityShards = null, int? copies = null, int? stripeUnit = null) =>
        Configure(o =>
        {
            o.Codec.Kind = kind;
            (o.Codec.DataShards, o.Codec.ParityShards, o.Codec.Copies, o.Codec.StripeUnit) = (dataShards, parityShards, copies, stripeUnit);
            o.Codec.Parameters.Clear();
        });

    private TieredBuilder SetPlacement(string kind, Action<TieredPlacementOptions>? parameters = null) =>
        Configure(o =>
        {
            o.Placement.Kind = kind;
            (o.Placement.VirtualNodes, o.Placement.MaglevTableSize, o.Placement.CapacityFactor) = (null, null, null);
            o.Placement.Parameters.Clear();
            parameters?.Invoke(o.Placement);
        });
}
