namespace Tiered.Hosting;

/// <summary>
/// The function backend (<c>Tiered:Backend</c>): <see cref="Kind"/> picks a registered backend; each backend reads its own
/// settings from the sub-section it registered (the Local platform: <c>Tiered:Backend:Local</c>, bound to
/// <c>LocalFunctionOptions</c>).
/// </summary>
public sealed class TieredBackendOptions
{
    /// <summary>The backend name: <c>local</c> (default), or one added with <see cref="TieredBuilder.AddBackend"/>.</summary>
    public string Kind { get; set; } = "local";
}
