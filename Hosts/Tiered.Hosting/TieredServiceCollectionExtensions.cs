using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tiered.Client;
using Tiered.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Tiered cache tier: composition, validation, the proxy as a hosted service, health check and clients.</summary>
public static class TieredServiceCollectionExtensions
{
    /// <summary>
    /// Registers a tier composed from the <c>Tiered</c> configuration section (bound from the container's
    /// <c>IConfiguration</c>) and from <paramref name="configure"/> (applied after it, so code wins). With neither, the tier
    /// is Reed-Solomon rs(10,2), rendezvous placement and the embedded Local platform (16 functions × 256 MiB), listening
    /// on 127.0.0.1:6380 for clients and 127.0.0.1:6381 for nodes.
    /// </summary>
    /// <remarks>
    /// Registers <see cref="TieredOptions"/> (validated on start: an unknown name, k+r &gt; 256, a negative size, a missing
    /// setting or an unknown key fails startup naming the key), <see cref="TieredRespOptions"/>, <see cref="TieredRuntime"/>,
    /// <see cref="TieredProxyHostedService"/>, the health check <c>tiered</c>, <c>IMeterFactory</c> (the proxy's meter
    /// <c>Tiered.Proxy</c> is created through it), and <see cref="ITier"/>/<see cref="TierClient"/> talking to the hosted
    /// proxy. Calling it again returns a builder over the same registration.
    /// </remarks>
    public static TieredBuilder AddTiered(this IServiceCollection services, Action<TieredBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(TieredComponentRegistry))?.ImplementationInstance as TieredComponentRegistry;
        var builder = new TieredBuilder(services, existing ?? new TieredComponentRegistry());
        if (existing is null)
        {
            services.AddSingleton(builder.Registry);
            services.AddOptions<TieredOptions>().BindConfiguration(TieredOptions.SectionName).ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TieredOptions>, TieredOptionsValidator>());
            services.AddSingleton<IOptions<TieredRespOptions>>(sp => Options.Options.Create(sp.GetRequiredService<IOptions<TieredOptions>>().Value.Resp));
            services.AddMetrics();
            services.TryAddSingleton<TieredRuntime>();
            services.AddHostedService<TieredProxyHostedService>();
            services.TryAddSingleton<ITier>(sp => sp.GetRequiredService<TieredRuntime>().Tier);
            services.TryAddSingleton(sp => sp.GetRequiredService<TieredRuntime>().ClientForContainer());
            services.AddHealthChecks().AddCheck<TieredHealthCheck>(TieredHealthCheck.Name, tags: ["tiered"]);
            LocalFunctionsTieredBuilderExtensions.Register(builder);
        }
        configure?.Invoke(builder);
        return builder;
    }
}
