using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tiered.Providers.Azure;
using Tiered.Providers.Azure.Keys;

namespace Tiered.Hosting;

/// <summary>
/// Azure Functions as a tier backend (<c>Tiered:Backend:Kind</c> = <c>azure-functions</c>, settings in <c>Tiered:Backend:Azure</c>,
/// bound to <see cref="AzureFunctionsOptions"/>; an unknown key there fails startup naming it). The Azure counterpart of
/// <c>UseAwsLambda</c>.
/// </summary>
public static class AzureFunctionsTieredBuilderExtensions
{
    /// <summary>The backend name.</summary>
    public const string Kind = AzureFunctionsBackend.BackendName;

    /// <summary>Its sub-section of <c>Tiered:Backend</c>.</summary>
    public const string ConfigurationSection = "Azure";

    /// <summary>The name of the <see cref="AzureFunctionsOptions"/> the tier uses (bound from <c>Tiered:Backend:Azure</c>).</summary>
    public const string OptionsName = "Tiered";

    /// <summary>Registers the <c>azure-functions</c> backend and selects it; <paramref name="configure"/> is applied after <c>Tiered:Backend:Azure</c>.</summary>
    public static TieredBuilder UseAzureFunctions(this TieredBuilder builder, Action<AzureFunctionsOptions>? configure = null)
    {
        builder.AddAzureFunctionsBackend();
        builder.UseBackend(Kind);
        if (configure is not null) builder.Services.Configure(OptionsName, configure);
        return builder;
    }

    /// <summary>
    /// Registers the <c>azure-functions</c> backend without selecting it, so configuration can (<c>Tiered:Backend:Kind</c>). Keys come
    /// from a registered <see cref="IFunctionKeyProvider"/> when there is one, else from the options (configured keys, or Key Vault
    /// through a registered <see cref="ISecretSource"/> or <c>DefaultAzureCredential</c>).
    /// </summary>
    public static TieredBuilder AddAzureFunctionsBackend(this TieredBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Registry.FindBackend(Kind) is not null) return builder;
        builder.Services.AddOptions<AzureFunctionsOptions>(OptionsName).BindConfiguration($"{TieredOptions.SectionName}:Backend:{ConfigurationSection}");
        return builder.AddBackend(Kind, Create, ConfigurationSection, typeof(AzureFunctionsOptions), Validate);
    }

    private static AzureFunctionsBackend Create(IServiceProvider services) =>
        AzureFunctionsServiceCollectionExtensions.Create(services, services.GetRequiredService<IOptionsMonitor<AzureFunctionsOptions>>().Get(OptionsName));

    private static IEnumerable<string> Validate(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<AzureFunctionsOptions>>().Get(OptionsName);
        const string from = nameof(AzureFunctionsOptions) + ".";
        const string to = $"{TieredOptions.SectionName}:Backend:{ConfigurationSection}:";
        bool keyProviderGiven = services.GetService<IFunctionKeyProvider>() is not null;
        return options.GetValidationErrors(keyProviderGiven).Select(e => e.Replace(from, to, StringComparison.Ordinal)).ToList();
    }
}
