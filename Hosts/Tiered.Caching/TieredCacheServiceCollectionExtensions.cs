using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tiered.Caching;

/// <summary>Registers the tier as the application's <see cref="IDistributedCache"/>.</summary>
public static class TieredCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TieredDistributedCache"/> as the singleton <see cref="IDistributedCache"/> (replacing
    /// one registered before, as <c>AddStackExchangeRedisCache</c> does). HybridCache and FusionCache pick it up.
    /// </summary>
    public static IServiceCollection AddTieredDistributedCache(this IServiceCollection services, Action<TieredCacheOptions> setupAction)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(setupAction);
        services.AddOptions();
        services.Configure(setupAction);
        services.Add(ServiceDescriptor.Singleton<IDistributedCache, TieredDistributedCache>(provider => new TieredDistributedCache(
            provider.GetRequiredService<IOptions<TieredCacheOptions>>(), provider.GetService<TimeProvider>(), provider.GetService<ILoggerFactory>())));
        return services;
    }
}
