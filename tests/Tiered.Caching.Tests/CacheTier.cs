using System.Collections.Concurrent;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;

namespace Tiered.Caching.Tests;

/// <summary>
/// A whole tier on loopback: the Local platform running real <see cref="FunctionNode"/>s, a real
/// <see cref="TierProxy"/> (on the given clock, which decides when objects expire) and a
/// <see cref="TierClient"/> with rs(4,2); 14 functions, enough for the default rs(10,2) too.
/// </summary>
public sealed class CacheTier : IAsyncDisposable
{
    private CacheTier(LocalFunctionPlatform platform, TierProxy proxy, TierClient client)
    {
        Platform = platform;
        Proxy = proxy;
        Client = client;
    }

    public LocalFunctionPlatform Platform { get; }
    public TierProxy Proxy { get; }
    public TierClient Client { get; }

    public static CacheTier Start(TimeProvider? time = null)
    {
        var nodes = new ConcurrentDictionary<string, FunctionNode>();
        var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = 14, MemoryMiB = 256, ColdStartDelay = TimeSpan.Zero, Seed = 1 },
            context => nodes.GetOrAdd(context.InstanceId, _ => new FunctionNode()));
        var proxy = new TierProxy(
            new TierProxyOptions { NodeIdleTimeout = TimeSpan.FromSeconds(60), WarmUpInterval = TimeSpan.FromHours(1) },
            platform, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name), time);
        proxy.Start();
        var client = new TierClient(new TierClientOptions { Proxies = [proxy.ClientEndPoint], ConnectionsPerProxy = 2, RequestTimeout = TimeSpan.FromSeconds(30), CodecResolver = name => CodecFactory.Create(name) },
            CodecFactory.Create("rs(4,2)"));
        return new CacheTier(platform, proxy, client);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Proxy.DisposeAsync();
        await Platform.DisposeAsync();
    }
}
