using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Functions;
using Tiered.Providers.Local;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the embedded function platform (<see cref="LocalFunctionPlatform"/>) as the <see cref="IFunctionBackend"/>.</summary>
public static class LocalFunctionServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LocalFunctionPlatform"/> as a singleton and as the <see cref="IFunctionBackend"/>.
    /// Each instance's handler comes from an <see cref="ILocalFunctionHandlerFactory"/> registered in the container,
    /// or else from a registered <see cref="Func{IFunctionHandler}"/>; resolving the platform without either throws.
    /// The platform uses the container's <see cref="TimeProvider"/>, <see cref="ILogger{T}"/> and
    /// <see cref="IMeterFactory"/> when they are registered. Options are validated when the platform is first resolved.
    /// </summary>
    public static IServiceCollection AddTieredLocalFunctions(this IServiceCollection services, Action<LocalFunctionOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<LocalFunctionOptions>().Configure(configure);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LocalFunctionOptions>, LocalFunctionOptionsValidator>());
        services.TryAddSingleton(sp => new LocalFunctionPlatform(
            sp.GetRequiredService<IOptions<LocalFunctionOptions>>().Value,
            ResolveHandlerFactory(sp),
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<LocalFunctionPlatform>>(),
            sp.GetService<IMeterFactory>()));
        services.AddSingleton<IFunctionBackend>(sp => sp.GetRequiredService<LocalFunctionPlatform>());
        return services;
    }

    /// <summary>
    /// As <see cref="AddTieredLocalFunctions(IServiceCollection, Action{LocalFunctionOptions})"/>, with a new
    /// <typeparamref name="THandler"/> per instance, built from the container (its constructor may also take the
    /// instance's <see cref="LocalInstanceContext"/>).
    /// </summary>
    public static IServiceCollection AddTieredLocalFunctions<THandler>(this IServiceCollection services, Action<LocalFunctionOptions> configure)
        where THandler : class, IFunctionHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        services.Replace(ServiceDescriptor.Singleton<ILocalFunctionHandlerFactory>(sp => new DelegateLocalFunctionHandlerFactory(
            instance => ActivatorUtilities.CreateInstance<THandler>(sp, instance))));
        return services.AddTieredLocalFunctions(configure);
    }

    /// <summary>
    /// As <see cref="AddTieredLocalFunctions(IServiceCollection, Action{LocalFunctionOptions})"/>, with each instance's
    /// handler created by <paramref name="handlerFactory"/>.
    /// </summary>
    public static IServiceCollection AddTieredLocalFunctions(
        this IServiceCollection services,
        Action<LocalFunctionOptions> configure,
        Func<IServiceProvider, LocalInstanceContext, IFunctionHandler> handlerFactory)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        services.Replace(ServiceDescriptor.Singleton<ILocalFunctionHandlerFactory>(sp => new DelegateLocalFunctionHandlerFactory(
            instance => handlerFactory(sp, instance))));
        return services.AddTieredLocalFunctions(configure);
    }

    private static ILocalFunctionHandlerFactory ResolveHandlerFactory(IServiceProvider services)
    {
        if (services.GetService<ILocalFunctionHandlerFactory>() is { } factory) return factory;
        if (services.GetService<Func<IFunctionHandler>>() is { } create) return new DelegateLocalFunctionHandlerFactory(create);
        throw new InvalidOperationException(
            "The local function platform has no handler for its instances: register an ILocalFunctionHandlerFactory or a Func<IFunctionHandler>, " +
            "or call AddTieredLocalFunctions<THandler>(…).");
    }
}
