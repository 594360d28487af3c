using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Functions;
using Tiered.Providers.Gcp;
using Tiered.Providers.Gcp.Auth;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Cloud Run backend (<see cref="CloudRunFunctionBackend"/>) as the <see cref="IFunctionBackend"/>.</summary>
public static class CloudRunServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CloudRunFunctionBackend"/> as a singleton and as the <see cref="IFunctionBackend"/>, configured by
    /// <paramref name="configure"/>. It gets ID tokens from a registered <see cref="IIdTokenSource"/> when there is one, else from
    /// what the options say (a static token, a service account key file, the metadata server, or application default credentials),
    /// and uses the container's <see cref="TimeProvider"/>, <see cref="ILogger{T}"/> and <see cref="IMeterFactory"/> when registered.
    /// Options are validated when the backend is first resolved.
    /// </summary>
    public static IServiceCollection AddTieredCloudRunFunctions(this IServiceCollection services, Action<CloudRunFunctionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<CloudRunFunctionOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CloudRunFunctionOptions>, CloudRunFunctionOptionsValidator>());
        services.TryAddSingleton(sp => new CloudRunFunctionBackend(
            sp.GetRequiredService<IOptions<CloudRunFunctionOptions>>().Value,
            sp.GetService<IIdTokenSource>(),
            sp.GetService<ILogger<CloudRunFunctionBackend>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IFunctionBackend>(sp => sp.GetRequiredService<CloudRunFunctionBackend>());
        return services;
    }
}
