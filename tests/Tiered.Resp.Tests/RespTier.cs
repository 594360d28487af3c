using System.Net;
using Tiered.Client;
using Tiered.Nodes;
using Tiered.Providers.Local;
using Tiered.Proxy;
using Tiered.Resp;
using Tiered.Testing;

namespace Tiered.Resp.Tests;

/// <summary>
/// A whole tier on loopback (Local platform running real <see cref="FunctionNode"/>s, a real
/// <see cref="TierProxy"/>, a <see cref="TierClient"/> with rs(10,2)) behind a real <see cref="RespServer"/>
/// on a free port, and a second endpoint over the same tier that requires a password.
/// </summary>
public sealed class RespTier : IAsyncDisposable
{
    public const string Password = "s3cret pass";

    private readonly TierHarness _tier;

    private RespTier(TierHarness tier, RespServer server, RespServer secured)
    {
        _tier = tier;
        Server = server;
        Secured = secured;
    }

    public LocalFunctionPlatform Platform => _tier.Platform;
    public TierProxy Proxy => _tier.Proxy;
    public TierClient Client => _tier.Client;
    public RespServer Server { get; }
    public RespServer Secured { get; }
    public int Port => Server.EndPoint.Port;

    public static RespTier Start()
    {
        var tier = TierHarness.Start("rs(10,2)", functions: 14, memoryMiB: 1024, nodeIdleTimeout: TimeSpan.FromSeconds(60), connections: 8);
        var store = new TierClientRespStore(tier.Client);
        var server = new RespServer(new RespServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }, store);
        server.Start();
        var secured = new RespServer(new RespServerOptions { EndPoint = new IPEndPoint(IPAddress.Loopback, 0), RequirePass = Password }, store);
        secured.Start();
        return new RespTier(tier, server, secured);
    }

    public static byte[] RandomBytes(int length, int seed) => TierHarness.RandomBytes(length, seed);

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Secured.DisposeAsync();
        await _tier.DisposeAsync();
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
