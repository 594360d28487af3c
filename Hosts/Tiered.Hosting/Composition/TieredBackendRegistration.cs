using Tiered.Functions;

namespace Tiered.Hosting;

/// <summary>A function backend the tier can be built on, selected by <c>Tiered:Backend:Kind</c>.</summary>
/// <param name="Kind">The name configuration selects it by (case-insensitive), e.g. <c>local</c>, <c>aws-lambda</c>.</param>
/// <param name="Create">Builds the backend when the tier starts.</param>
/// <param name="ConfigurationSection">Its settings' sub-section of <c>Tiered:Backend</c> (e.g. <c>Local</c>), or null when it has none.</param>
/// <param name="SettingsType">The type bound from that section; its public settable properties are the known keys (null: any key).</param>
/// <param name="Validate">Problems with its settings, each naming its full configuration key; run at start when this backend is selected.</param>
/// <param name="DisposeWithTier">Whether the tier disposes the backend after the proxy on shutdown (false when the container owns it).</param>
public sealed record TieredBackendRegistration(
    string Kind,
    Func<IServiceProvider, IFunctionBackend> Create,
    string? ConfigurationSection = null,
    Type? SettingsType = null,
    Func<IServiceProvider, IEnumerable<string>>? Validate = null,
    bool DisposeWithTier = true);
