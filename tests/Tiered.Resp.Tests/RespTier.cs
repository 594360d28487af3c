using System.Collections.Concurrent;
using System.Net;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;
using Tiered.Resp;

namespace Tiered.Resp.Tests;

/// <summary>
/// A whole tier on loopback (Local platform running real <see cref="FunctionNode"/>s, a real
/// <see cref="TierProxy"/>, a <see cref="TierClient"/> with rs(10,2)) behind a real <see cref="RespServer"/>
/// on a free port, and a second endpoint over the same tier that requires a password.
/// </summary>
public sealed class RespTier : IAsyncDisposable
{
    public const string Password = "s3cret pass";

    private RespTier(LocalFunctionPlatform platform, TierProxy proxy, TierClient client, RespServer server, RespServer secured)
    {
        Platform = platform;
        Proxy = proxy;
        Client = client;
        Server = server;
        Secured = secured;
    }

    public LocalFunctionPlatform Platform { get; }
    public TierProxy Proxy { get; }
    public TierClient Client { get; }
    public RespServer Server { get; }
    public RespServer Secured { get; }
    public int Port => Server.EndPoint.Port;

    public static RespTier Start()
    {
        var nodes = new ConcurrentDictionary<string, FunctionNode>();
        var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = 14, MemoryMiB = 1024, ColdStartDelay = TimeSpan.Zero, Seed = 1 },
            context => nodes.GetOrAdd(context.InstanceId, _ => new FunctionNode()));
        var proxy = new TierProxy(
            new TierProxyOptions { NodeIdleTimeout = TimeSpan.FromSeconds(60), WarmUpInterval = TimeSpan.FromHours(1) },
            platform, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
        proxy.Start();
        var client = new TierClient(new TierClientOptions { Proxies = [proxy.ClientEndPoint], ConnectionsPerProxy = 8, RequestTimeout = TimeSpan.FromSeconds(60) },
            CodecFactory.Create("rs(10,2)"));
        var store = new TierClientRespStore(client);
        var server = new RespServer(new RespServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, store);
        server.Start();
        var secured = new RespServer(new RespServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), RequirePass = Password }, store);
        secured.Start();
        return new RespTier(platform, proxy, client, server, secured);
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Secured.DisposeAsync();
        await Client.DisposeAsync();
        await Proxy.DisposeAsync();
        await Platform.DisposeAsync();
    }
}

/// <summary>One tier for every test class of the assembly (they run one after another: the machine is small).</summary>
public sealed class RespTierFixture : IAsyncLifetime
{
    public RespTier Tier { get; private set; } = null!;

    public Task InitializeAsync()
    {
        Tier = RespTier.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await Tier.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class RespTierCollection : ICollectionFixture<RespTierFixture>
{
    public const string Name = "RESP tier";
}
