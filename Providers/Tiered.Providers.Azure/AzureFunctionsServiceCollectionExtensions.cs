using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Functions;
using Tiered.Providers.Azure;
using Tiered.Providers.Azure.Keys;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Azure Functions backend (<see cref="AzureFunctionsBackend"/>) as the <see cref="IFunctionBackend"/>.</summary>
public static class AzureFunctionsServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AzureFunctionsBackend"/> as a singleton and as the <see cref="IFunctionBackend"/>, configured by
    /// <paramref name="configure"/>. Keys come from a registered <see cref="IFunctionKeyProvider"/> when there is one, else from
    /// what the options say (configured keys, or Key Vault — through a registered <see cref="ISecretSource"/> when there is one,
    /// else <see cref="KeyVaultSecretSource"/> with <c>DefaultAzureCredential</c>). The container's <see cref="TimeProvider"/>,
    /// <see cref="ILogger{T}"/> and <see cref="IMeterFactory"/> are used when registered. Options are validated when the
    /// backend is first resolved.
    /// </summary>
    public static IServiceCollection AddTieredAzureFunctions(this IServiceCollection services, Action<AzureFunctionsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AzureFunctionsOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AzureFunctionsOptions>, AzureFunctionsOptionsValidator>(
            sp => new AzureFunctionsOptionsValidator(keyProviderGiven: sp.GetService<IFunctionKeyProvider>() is not null)));
        services.TryAddSingleton(sp => Create(sp, sp.GetRequiredService<IOptions<AzureFunctionsOptions>>().Value));
        services.AddSingleton<IFunctionBackend>(sp => sp.GetRequiredService<AzureFunctionsBackend>());
        return services;
    }

    internal static AzureFunctionsBackend Create(IServiceProvider services, AzureFunctionsOptions options) => new(
        options,
        // Invalid options get no key provider, so the constructor reports every bad key rather than a key resolution error.
        services.GetService<IFunctionKeyProvider>() ?? (options.GetValidationErrors().Count == 0 ? FunctionKeyProvider.FromOptions(options, services.GetService<ISecretSource>()) : null),
        services.GetService<ILogger<AzureFunctionsBackend>>(),
        services.GetService<IMeterFactory>(),
        services.GetService<TimeProvider>());
}
