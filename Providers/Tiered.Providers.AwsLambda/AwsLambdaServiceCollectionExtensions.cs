using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Functions;
using Tiered.Providers.AwsLambda;
using Tiered.Providers.AwsLambda.Signing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the AWS Lambda backend (<see cref="AwsLambdaFunctionBackend"/>) as the <see cref="IFunctionBackend"/>.</summary>
public static class AwsLambdaServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="AwsLambdaFunctionBackend"/> as a singleton and as the <see cref="IFunctionBackend"/>, configured by
    /// <paramref name="configure"/>. It signs with a registered <see cref="IAwsCredentialsProvider"/> when there is one, else with
    /// what the options say (static keys, profile, or the default AWS chain), and uses the container's <see cref="TimeProvider"/>,
    /// <see cref="ILogger{T}"/> and <see cref="IMeterFactory"/> when registered. Options are validated when the backend is first resolved.
    /// </summary>
    public static IServiceCollection AddTieredAwsLambda(this IServiceCollection services, Action<AwsLambdaOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<AwsLambdaOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AwsLambdaOptions>, AwsLambdaOptionsValidator>());
        services.TryAddSingleton(sp => new AwsLambdaFunctionBackend(
            sp.GetRequiredService<IOptions<AwsLambdaOptions>>().Value,
            sp.GetService<IAwsCredentialsProvider>(),
            signer: null,
            sp.GetService<ILogger<AwsLambdaFunctionBackend>>(),
            sp.GetService<IMeterFactory>(),
            sp.GetService<TimeProvider>()));
        services.AddSingleton<IFunctionBackend>(sp => sp.GetRequiredService<AwsLambdaFunctionBackend>());
        return services;
    }
}
