using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Tiered.Hosting.Resp;

/// <summary>Adds the Redis-protocol endpoint to a hosted tier.</summary>
public static class TieredRespExtensions
{
    /// <summary>
    /// Registers <see cref="RespHostedService"/> (once). The endpoint listens only when <c>Tiered:Resp:Enabled</c> is
    /// true (or <see cref="TieredBuilder.ConfigureResp"/> enables it); call after <c>AddTiered</c>.
    /// </summary>
    public static TieredBuilder AddResp(this TieredBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTieredResp();
        return builder;
    }

    /// <inheritdoc cref="AddResp(TieredBuilder)"/>
    public static IServiceCollection AddTieredResp(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<RespHostedService>();
        if (!services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && d.ImplementationFactory?.Method.DeclaringType == typeof(TieredRespExtensions)))
            services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(RespHostedServiceFactory);
        return services;
    }

    private static RespHostedService RespHostedServiceFactory(IServiceProvider provider) => provider.GetRequiredService<RespHostedService>();
}
