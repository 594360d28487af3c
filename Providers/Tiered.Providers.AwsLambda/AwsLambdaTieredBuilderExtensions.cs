using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Providers.AwsLambda;
using Tiered.Providers.AwsLambda.Signing;

namespace Tiered.Hosting;

/// <summary>
/// AWS Lambda as a tier backend (<c>Tiered:Backend:Kind</c> = <c>aws-lambda</c>, settings in <c>Tiered:Backend:AwsLambda</c>,
/// bound to <see cref="AwsLambdaOptions"/>; an unknown key there fails startup naming it). The AWS counterpart of
/// <c>UseLocalFunctions</c>.
/// </summary>
public static class AwsLambdaTieredBuilderExtensions
{
    /// <summary>The backend name.</summary>
    public const string Kind = AwsLambdaFunctionBackend.BackendName;

    /// <summary>Its sub-section of <c>Tiered:Backend</c>.</summary>
    public const string ConfigurationSection = "AwsLambda";

    /// <summary>The name of the <see cref="AwsLambdaOptions"/> the tier uses (bound from <c>Tiered:Backend:AwsLambda</c>).</summary>
    public const string OptionsName = "Tiered";

    /// <summary>Registers the <c>aws-lambda</c> backend and selects it; <paramref name="configure"/> is applied after <c>Tiered:Backend:AwsLambda</c>.</summary>
    public static TieredBuilder UseAwsLambda(this TieredBuilder builder, Action<AwsLambdaOptions>? configure = null)
    {
        builder.AddAwsLambdaBackend();
        builder.UseBackend(Kind);
        if (configure is not null) builder.Services.Configure(OptionsName, configure);
        return builder;
    }

    /// <summary>
    /// Registers the <c>aws-lambda</c> backend without selecting it, so configuration can (<c>Tiered:Backend:Kind</c>). The backend
    /// signs with a registered <see cref="IAwsCredentialsProvider"/> when there is one, else with what its options say.
    /// </summary>
    public static TieredBuilder AddAwsLambdaBackend(this TieredBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Registry.FindBackend(Kind) is not null) return builder;
        builder.Services.AddOptions<AwsLambdaOptions>(OptionsName).BindConfiguration($"{TieredOptions.SectionName}:Backend:{ConfigurationSection}");
        return builder.AddBackend(Kind, Create, ConfigurationSection, typeof(AwsLambdaOptions), Validate);
    }

    private static AwsLambdaFunctionBackend Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<AwsLambdaOptions>>().Get(OptionsName);
        return new AwsLambdaFunctionBackend(options,
            services.GetService<IAwsCredentialsProvider>(),
            signer: null,
            services.GetService<ILoggerFactory>()?.CreateLogger<AwsLambdaFunctionBackend>(),
            services.GetService<IMeterFactory>(),
            services.GetService<TimeProvider>());
    }

    private static IEnumerable<string> Validate(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<AwsLambdaOptions>>().Get(OptionsName);
        const string from = nameof(AwsLambdaOptions) + ".";
        const string to = $"{TieredOptions.SectionName}:Backend:{ConfigurationSection}:";
        return options.GetValidationErrors().Select(e => e.Replace(from, to, StringComparison.Ordinal)).ToList();
    }
}
