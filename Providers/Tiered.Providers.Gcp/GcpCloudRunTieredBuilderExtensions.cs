using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Providers.Gcp;
using Tiered.Providers.Gcp.Auth;

namespace Tiered.Hosting;

/// <summary>
/// Google Cloud Run functions as a tier backend (<c>Tiered:Backend:Kind</c> = <c>gcp-cloud-run</c>, settings in
/// <c>Tiered:Backend:Gcp</c>, bound to <see cref="CloudRunFunctionOptions"/>; an unknown key there fails startup naming it).
/// The Google counterpart of <c>UseLocalFunctions</c> and <c>UseAwsLambda</c>.
/// </summary>
public static class GcpCloudRunTieredBuilderExtensions
{
    /// <summary>The backend name.</summary>
    public const string Kind = CloudRunFunctionBackend.BackendName;

    /// <summary>Its sub-section of <c>Tiered:Backend</c>.</summary>
    public const string ConfigurationSection = "Gcp";

    /// <summary>The name of the <see cref="CloudRunFunctionOptions"/> the tier uses (bound from <c>Tiered:Backend:Gcp</c>).</summary>
    public const string OptionsName = "Tiered";

    /// <summary>Registers the <c>gcp-cloud-run</c> backend and selects it; <paramref name="configure"/> is applied after <c>Tiered:Backend:Gcp</c>.</summary>
    public static TieredBuilder UseGcpCloudRun(this TieredBuilder builder, Action<CloudRunFunctionOptions>? configure = null)
    {
        builder.AddGcpCloudRunBackend();
        builder.UseBackend(Kind);
        if (configure is not null) builder.Services.Configure(OptionsName, configure);
        return builder;
    }

    /// <summary>
    /// Registers the <c>gcp-cloud-run</c> backend without selecting it, so configuration can (<c>Tiered:Backend:Kind</c>). The backend
    /// takes ID tokens from a registered <see cref="IIdTokenSource"/> when there is one, else from what its options say.
    /// </summary>
    public static TieredBuilder AddGcpCloudRunBackend(this TieredBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Registry.FindBackend(Kind) is not null) return builder;
        builder.Services.AddOptions<CloudRunFunctionOptions>(OptionsName).BindConfiguration($"{TieredOptions.SectionName}:Backend:{ConfigurationSection}");
        return builder.AddBackend(Kind, Create, ConfigurationSection, typeof(CloudRunFunctionOptions), Validate);
    }

    private static CloudRunFunctionBackend Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<CloudRunFunctionOptions>>().Get(OptionsName);
        return new CloudRunFunctionBackend(options,
            services.GetService<IIdTokenSource>(),
            services.GetService<ILoggerFactory>()?.CreateLogger<CloudRunFunctionBackend>(),
            services.GetService<IMeterFactory>(),
            services.GetService<TimeProvider>());
    }

    private static IEnumerable<string> Validate(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<CloudRunFunctionOptions>>().Get(OptionsName);
        const string from = nameof(CloudRunFunctionOptions) + ".";
        const string to = $"{TieredOptions.SectionName}:Backend:{ConfigurationSection}:";
        return options.GetValidationErrors().Select(e => e.Replace(from, to, StringComparison.Ordinal)).ToList();
    }
}
