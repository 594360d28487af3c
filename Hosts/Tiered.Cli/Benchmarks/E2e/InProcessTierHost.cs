using System.Net;
using Tiered.Codecs;
using Tiered.Nodes;
using Tiered.Placement;
using Tiered.Providers.Local;
using Tiered.Proxy;

namespace Tiered.Cli.Benchmarks.E2e;

/// <summary>
/// The whole tier in this process, composed like the tier tests do: the Local platform (no cold-start delay)
/// running one <see cref="FunctionNode"/> per instance, which dial back over loopback TCP to a
/// <see cref="TierProxy"/> placing chunks by rendezvous hashing.
/// </summary>
internal sealed class InProcessTierHost : ITierHost
{
    private readonly LocalFunctionPlatform _platform;
    private readonly TierProxy _proxy;

    private InProcessTierHost(LocalFunctionPlatform platform, TierProxy proxy)
    {
        _platform = platform;
        _proxy = proxy;
    }

    public IPEndPoint ClientEndPoint => _proxy.ClientEndPoint;

    public string Description => "in-process";

    public TimeSpan? ProcessorTime => null;

    public static InProcessTierHost Start(TierShape shape)
    {
        var nodes = new System.Collections.Concurrent.ConcurrentDictionary<string, FunctionNode>();
        var platform = new LocalFunctionPlatform(
            new LocalFunctionOptions { FunctionCount = shape.Nodes, MemoryMiB = shape.MemoryMiB, ColdStartDelay = TimeSpan.Zero, Seed = 1 },
            context => nodes.GetOrAdd(context.InstanceId, _ => new FunctionNode()));
        try
        {
            var proxy = new TierProxy(
                new TierProxyOptions { NodeIdleTimeout = TierShape.NodeIdleTimeout, WarmUpInterval = TimeSpan.FromHours(1) },
                platform, PlacementFactory.Create("rendezvous"), name => CodecFactory.Create(name));
            proxy.Start();
            return new InProcessTierHost(platform, proxy);
        }
        catch
        {
            platform.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync().ConfigureAwait(false);
        await _platform.DisposeAsync().ConfigureAwait(false);
    }
}
