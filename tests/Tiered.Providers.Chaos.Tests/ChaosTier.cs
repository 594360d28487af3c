using Tiered.Client;
using Tiered.Codecs;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;
using Tiered.Testing;

namespace Tiered.Chaos.Tests;

/// <summary>
/// A whole tier on loopback, as <see cref="TierHarness"/> builds it, but with chaos in it: every node wrapped by a
/// <see cref="ChaosNodeRegistry"/>, the proxy invoking through a <see cref="ChaosFunctionBackend"/> whose relays carry
/// every dial-back.
/// </summary>
internal sealed class ChaosTier : IAsyncDisposable
{
    private readonly ChaosSession? _session;

    private ChaosTier(LocalFunctionPlatform platform, ChaosNodeRegistry nodes, ChaosFunctionBackend backend, TierProxy proxy, TierClient client, ChaosSession? session)
    {
        Platform = platform;
        Nodes = nodes;
        Backend = backend;
        Proxy = proxy;
        Client = client;
        _session = session;
    }

    public LocalFunctionPlatform Platform { get; }
    public ChaosNodeRegistry Nodes { get; }
    public ChaosFunctionBackend Backend { get; }
    public TierProxy Proxy { get; }
    public TierClient Client { get; }

    public static ChaosTier Start(string codec = "rs(4,2)", int functions = 6, ChaosBackendOptions? options = null, ChaosSession? session = null)
    {
        var registry = session?.Nodes ?? new ChaosNodeRegistry(seed: 5);
        var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = functions, MemoryMiB = 128, ColdStartDelay = TimeSpan.Zero, Seed = 1 },
            registry.WrapFactory<LocalInstanceContext>(_ => new FunctionNode()));
        var backend = session is null
            ? ChaosFunctionBackend.Create(platform, options ?? new ChaosBackendOptions { Seed = 7 })
            : session.WrapBackend(platform, options);
        var proxy = new TierProxy(
            new TierProxyOptions { NodeIdleTimeout = TimeSpan.FromSeconds(30), WarmUpInterval = TimeSpan.FromHours(1) },
            backend, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
        proxy.Start();
        var client = TierHarness.NewClient(proxy, CodecFactory.Create(codec));
        return new ChaosTier(platform, registry, backend, proxy, client, session);
    }

    public static byte[] RandomBytes(int length, int seed) => TierHarness.RandomBytes(length, seed);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Proxy.DisposeAsync();
        if (_session is null) await Backend.DisposeAsync();
        else await _session.DisposeAsync();
        await Platform.DisposeAsync();
        if (_session is null) Nodes.Dispose();
        // Every relay has stopped: nothing is left open through it.
        foreach (var relay in Backend.Relays) Xunit.Assert.Equal(0, relay.ActiveConnections);
    }
}
