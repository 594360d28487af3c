using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tiered.Nodes;
using Tiered.Providers.Local;

namespace Tiered.Hosting;

/// <summary>
/// The embedded Local platform as a tier backend (<c>Tiered:Backend:Kind</c> = <c>local</c>, settings in
/// <c>Tiered:Backend:Local</c>). It lives in Tiered.Hosting, not in the provider package, because it is the default
/// backend: <c>AddTiered()</c> registers it so a tier runs with no configuration at all. Cloud providers ship the same
/// kind of extension in their own packages (<c>builder.AddBackend("aws-lambda", …)</c> inside a <c>UseAwsLambda(…)</c>).
/// </summary>
public static class LocalFunctionsTieredBuilderExtensions
{
    /// <summary>The backend name.</summary>
    public const string Kind = "local";

    /// <summary>Its sub-section of <c>Tiered:Backend</c>.</summary>
    public const string ConfigurationSection = "Local";

    /// <summary>The name of the <see cref="LocalFunctionOptions"/> the tier uses (bound from <c>Tiered:Backend:Local</c>).</summary>
    public const string OptionsName = "Tiered";

    /// <summary>Hosting's default function count (the platform's own default is 32).</summary>
    public const int DefaultFunctionCount = 16;

    /// <summary>Hosting's default memory per instance in MiB (the platform's own default is 1536): 16 × 256 MiB keeps an embedded tier laptop-sized.</summary>
    public const int DefaultMemoryMiB = 256;

    /// <summary>Selects the Local platform and adjusts its options (applied after <c>Tiered:Backend:Local</c>).</summary>
    public static TieredBuilder UseLocalFunctions(this TieredBuilder builder, Action<LocalFunctionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseBackend(Kind);
        if (configure is not null) builder.Services.Configure(OptionsName, configure);
        return builder;
    }

    /// <summary>Registers the Local backend by name (done by <c>AddTiered</c>).</summary>
    internal static void Register(TieredBuilder builder)
    {
        builder.Services.AddOptions<LocalFunctionOptions>(OptionsName)
            .Configure(o => { o.FunctionCount = DefaultFunctionCount; o.MemoryMiB = DefaultMemoryMiB; })
            .BindConfiguration($"{TieredOptions.SectionName}:Backend:{ConfigurationSection}");
        builder.AddBackend(Kind, Create, ConfigurationSection, typeof(LocalFunctionOptions), Validate);
    }

    private static LocalFunctionPlatform Create(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<LocalFunctionOptions>>().Get(OptionsName);
        var time = services.GetService<TimeProvider>();
        var loggers = services.GetService<ILoggerFactory>();
        var nodeLogger = loggers?.CreateLogger<FunctionNode>();
        var factory = services.GetService<ILocalFunctionHandlerFactory>()
            ?? new DelegateLocalFunctionHandlerFactory(_ => new FunctionNode(null, time, nodeLogger));
        return new LocalFunctionPlatform(options, factory, time, loggers?.CreateLogger<LocalFunctionPlatform>(),
            services.GetService<System.Diagnostics.Metrics.IMeterFactory>());
    }

    private static IEnumerable<string> Validate(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<LocalFunctionOptions>>().Get(OptionsName);
        const string from = nameof(LocalFunctionOptions) + ".";
        const string to = $"{TieredOptions.SectionName}:Backend:{ConfigurationSection}:";
        return options.GetValidationErrors().Select(e => e.StartsWith(from, StringComparison.Ordinal) ? to + e[from.Length..] : to + " " + e).ToList();
    }
}
