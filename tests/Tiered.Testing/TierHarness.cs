using System.Collections.Concurrent;
using Tiered.Client;
using Tiered.Codecs;
using Tiered.Coding;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;

namespace Tiered.Testing;

/// <summary>
/// A whole tier on one machine: the Local platform running real <see cref="FunctionNode"/>s that dial back
/// over loopback TCP to a real <see cref="TierProxy"/>, and a <see cref="TierClient"/> talking to the proxy.
/// </summary>
public sealed class TierHarness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, FunctionNode> _nodesByInstance;

    private TierHarness(LocalFunctionPlatform platform, TierProxy proxy, TierClient client, ConcurrentDictionary<string, FunctionNode> nodesByInstance)
    {
        _nodesByInstance = nodesByInstance;
        Platform = platform;
        Proxy = proxy;
        Client = client;
    }

    public LocalFunctionPlatform Platform { get; }
    public TierProxy Proxy { get; }
    public TierClient Client { get; }

    public static TierHarness Start(string codec = "rs(10,2)", int functions = 14, int memoryMiB = 512, long poolMemoryBytes = 0,
        TimeSpan? nodeIdleTimeout = null, TimeSpan? warmUpInterval = null, TimeProvider? proxyTime = null, int connections = 4, TimeSpan? requestTimeout = null)
    {
        var nodes = new ConcurrentDictionary<string, FunctionNode>();
        var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = functions, MemoryMiB = memoryMiB, ColdStartDelay = TimeSpan.Zero, Seed = 1 },
            context => nodes.GetOrAdd(context.InstanceId, _ => new FunctionNode()));
        var proxy = new TierProxy(
            new TierProxyOptions { PoolMemoryBytes = poolMemoryBytes, NodeIdleTimeout = nodeIdleTimeout ?? TimeSpan.FromSeconds(30), WarmUpInterval = warmUpInterval ?? TimeSpan.FromHours(1) },
            platform, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name), proxyTime);
        proxy.Start();
        var client = NewClient(proxy, CodecFactory.Create(codec), connections, requestTimeout);
        return new TierHarness(platform, proxy, client, nodes);
    }

    public static TierClient NewClient(TierProxy proxy, IErasureCodec codec, int connections = 4, TimeSpan? requestTimeout = null) =>
        new(new TierClientOptions
        {
            Proxies = [proxy.ClientEndPoint],
            ConnectionsPerProxy = connections,
            RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(60),
            CodecResolver = name => CodecFactory.Create(name),
        }, codec);

    /// <summary>The node running in the live instance of a function, if it has one.</summary>
    public FunctionNode? NodeOf(string functionName)
    {
        var instance = Platform.GetFunction(functionName).Instances.FirstOrDefault();
        return instance is null ? null : _nodesByInstance.GetValueOrDefault(instance.InstanceId);
    }

    /// <summary>The node running in a given instance, if it is alive.</summary>
    public FunctionNode? NodeOnInstance(string instanceId) =>
        Platform.GetInstance(instanceId) is null ? null : _nodesByInstance.GetValueOrDefault(instanceId);

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Proxy.DisposeAsync();
        await Platform.DisposeAsync();
    }
}
