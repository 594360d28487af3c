using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tiered.Hosting;

/// <summary>
/// Reports the tier: healthy while the proxy is listening, unhealthy before it starts and once it is stopping; the data
/// carries the endpoints, the nodes connected out of the pool, the objects and the pool's memory use.
/// </summary>
public sealed class TieredHealthCheck(TieredRuntime runtime) : IHealthCheck
{
    /// <summary>The name it is registered under.</summary>
    public const string Name = "tiered";

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (runtime.State != TieredRuntimeState.Running)
            return Task.FromResult(HealthCheckResult.Unhealthy($"The tier is {runtime.State.ToString().ToLowerInvariant()}.",
                data: new Dictionary<string, object> { ["state"] = runtime.State.ToString() }));
        var proxy = runtime.Proxy;
        int functions = runtime.Backend.Functions.Count;
        int connected = proxy.ConnectedNodes.Count;
        long capacity = proxy.PoolCapacityBytes, stored = proxy.StoredBytes;
        double usage = capacity > 0 ? (double)stored / capacity : 0;
        var data = new Dictionary<string, object>
        {
            ["state"] = runtime.State.ToString(),
            ["client_endpoint"] = proxy.ClientEndPoint.ToString(),
            ["node_endpoint"] = proxy.NodeEndPoint.ToString(),
            ["codec"] = runtime.Codec.Name,
            ["placement"] = runtime.Placement.Name,
            ["backend"] = runtime.Backend.Name,
            ["nodes"] = functions,
            ["nodes_connected"] = connected,
            ["objects"] = proxy.ObjectCount,
            ["stored_bytes"] = stored,
            ["pool_capacity_bytes"] = capacity,
            ["pool_usage"] = usage,
        };
        string description = string.Create(CultureInfo.InvariantCulture,
            $"Listening for clients on {proxy.ClientEndPoint} and nodes on {proxy.NodeEndPoint}; {connected} of {functions} nodes connected; pool {usage:P1} used ({stored} of {capacity} bytes).");
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
