using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tiered.Functions.Azure;

/// <summary>The worker's services.</summary>
public static class NodeWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="settings"/> and <see cref="NodeFunction"/> as singletons: the Functions worker creates the
    /// trigger class per invocation, but the node function (and the chunks its nodes hold) lives as long as the process.
    /// </summary>
    public static IServiceCollection AddTieredNodeWorker(this IServiceCollection services, NodeWorkerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddSingleton(settings);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NodeFunction>();
        return services;
    }
}
