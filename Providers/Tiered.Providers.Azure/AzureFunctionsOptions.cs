using System.Globalization;
using Microsoft.Extensions.Options;
using Tiered.Functions;

namespace Tiered.Providers.Azure;

/// <summary>The Azure Functions hosting plan the node functions run on: it decides the instance sizes and how an invocation is billed.</summary>
public enum AzureFunctionsPlan
{
    /// <summary>
    /// Flex Consumption (the default): instances of 512, 2048 or 4096 MB, billed per instance while it executes, at least
    /// 1 s and then in 100 ms steps; optional always-ready instances; VNet integration.
    /// </summary>
    FlexConsumption,

    /// <summary>
    /// Elastic Premium (EP1 3.5 GB, EP2 7 GB, EP3 14 GB per instance, shared by the apps on it): instances billed per second
    /// while allocated (always-ready and prewarmed ones included), not per execution, so an invocation's billed duration is zero.
    /// </summary>
    Premium,
}

/// <summary>
/// Configuration of the <see cref="AzureFunctionsBackend"/> (in a tier: <c>Tiered:Backend:Azure</c>). The pool
/// (<see cref="FunctionNames"/>, or <see cref="FunctionCount"/> names generated from <see cref="FunctionNamePrefix"/>) and a
/// function key (<see cref="FunctionKey"/>, <see cref="FunctionKeys"/>, or <see cref="KeyVaultUri"/> + <see cref="KeyVaultSecretName"/>)
/// are required; everything else has a default.
/// </summary>
/// <remarks>
/// How a pool name becomes a URL:
/// <list type="bullet">
/// <item><b>One function app per node</b> (<see cref="AppName"/> not set, the production layout): every name is a function
/// app, <c>POST https://{name}.azurewebsites.net/{RoutePrefix}/{FunctionRoute}</c> — e.g.
/// <c>https://contoso-tiered-007.azurewebsites.net/api/node</c>. Each app scales (and loses its memory) on its own, as a
/// Lambda function does.</item>
/// <item><b>One app with many nodes</b> (<see cref="AppName"/> set, for development and tests): every name is a route in that
/// app, <c>POST https://{AppName}.azurewebsites.net/{RoutePrefix}/{FunctionRoute}/{name}</c>. The nodes share the app's
/// instances, so an instance lost takes several nodes with it; see <c>docs/platform-azure.md</c>.</item>
/// </list>
/// <see cref="BaseUrl"/> replaces <c>https://{app}.azurewebsites.net</c> (e.g. <c>http://127.0.0.1:7071</c> for <c>func start</c>,
/// <c>https://{app}.azurewebsites.us</c> in Azure Government).
/// </remarks>
public sealed class AzureFunctionsOptions
{
    /// <summary>The longest an HTTP-triggered function can take to answer: Azure's load balancer drops the request after 230 s, whatever <c>functionTimeout</c> says.</summary>
    public static TimeSpan MaxHttpFunctionTimeout { get; } = TimeSpan.FromSeconds(230);

    /// <summary>How much longer than <see cref="Timeout"/> an HTTP call may stay open when <see cref="HttpTimeout"/> is not set.</summary>
    public static TimeSpan DefaultHttpTimeoutMargin { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The placeholder of <see cref="BaseUrl"/> replaced by the app name.</summary>
    public const string AppPlaceholder = "{app}";

    /// <summary>The placeholder of <see cref="KeyVaultSecretName"/> replaced by the pool name (one secret per function).</summary>
    public const string FunctionPlaceholder = "{function}";

    /// <summary>Instance sizes of the Flex Consumption plan, in MB.</summary>
    public static IReadOnlyList<int> FlexConsumptionMemorySizes { get; } = [512, 2048, 4096];

    /// <summary>
    /// Instance memory of the Elastic Premium SKUs EP1, EP2, EP3, in MiB (3.5, 7 and 14 GB). The apps placed on one instance
    /// share it, so on Premium <see cref="MemoryMiB"/> is what one node may use: anything up to the largest size.
    /// </summary>
    public static IReadOnlyList<int> PremiumMemorySizes { get; } = [3584, 7168, 14336];

    /// <summary>Explicit pool names: function app names, or routes in <see cref="AppName"/>. When not empty <see cref="FunctionCount"/> is ignored.</summary>
    public IList<string> FunctionNames { get; set; } = new List<string>();

    /// <summary>
    /// Prefix of generated names: <c>{FunctionNamePrefix}{index}</c>, the index zero-padded to at least three digits:
    /// <c>tiered-node-000</c> … Function app names are global in <c>azurewebsites.net</c>, so use a prefix of your own
    /// (e.g. <c>contoso-tiered-</c>). Default <c>tiered-node-</c>.
    /// </summary>
    public string FunctionNamePrefix { get; set; } = "tiered-node-";

    /// <summary>How many names to generate when <see cref="FunctionNames"/> is empty. Default 0 (so one of the two must be set).</summary>
    public int FunctionCount { get; set; }

    /// <summary>
    /// The one function app hosting every node (names are then routes in it); null (the default): every pool name is an app of
    /// its own.
    /// </summary>
    public string? AppName { get; set; }

    /// <summary>
    /// Replaces <c>https://{app}.azurewebsites.net</c>: an absolute http(s) URL without query, where <c>{app}</c> (optional) stands
    /// for the app name — <c>http://127.0.0.1:7071</c> (<c>func start</c>), <c>https://{app}.azurewebsites.us</c>,
    /// <c>https://{app}.contoso-ase.p.azurewebsites.net</c>, or a test server. Null: <c>https://{app}.azurewebsites.net</c>.
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary>The route prefix of the app (host.json <c>extensions.http.routePrefix</c>); empty for none. Default <c>api</c>.</summary>
    public string RoutePrefix { get; set; } = "api";

    /// <summary>The node function's route (its <c>HttpTrigger</c> route without the optional <c>/{name}</c>). Default <c>node</c>.</summary>
    public string FunctionRoute { get; set; } = "node";

    /// <summary>
    /// The function key sent as <c>x-functions-key</c> to every app (a function key of the <c>node</c> function, or a host key
    /// set to the same value on every app). Keep it out of files: <c>Tiered__Backend__Azure__FunctionKey</c>, or Key Vault.
    /// </summary>
    public string? FunctionKey { get; set; }

    /// <summary>Keys per pool name (each app's own key); a name not listed uses <see cref="FunctionKey"/>.</summary>
    public IDictionary<string, string> FunctionKeys { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The Key Vault holding the key, e.g. <c>https://contoso-tiered.vault.azure.net/</c> (read with <c>DefaultAzureCredential</c>).</summary>
    public string? KeyVaultUri { get; set; }

    /// <summary>
    /// The secret holding the key in <see cref="KeyVaultUri"/>, e.g. <c>tiered-node-key</c>; <c>{function}</c> in it stands for the pool
    /// name (<c>{function}-key</c>: one secret per app). Read once, read again when an app answers 401.
    /// </summary>
    public string? KeyVaultSecretName { get; set; }

    /// <summary>The client id of a user-assigned managed identity for <c>DefaultAzureCredential</c> (else <c>AZURE_CLIENT_ID</c> or the system-assigned one).</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>The hosting plan: instance sizes and billing. Default <see cref="AzureFunctionsPlan.FlexConsumption"/>.</summary>
    public AzureFunctionsPlan Plan { get; set; } = AzureFunctionsPlan.FlexConsumption;

    /// <summary>
    /// The memory of one node in MB: the app's instance size on Flex Consumption (512, 2048 or 4096); on Premium what one node
    /// may use of its instance (up to 14336; EP1 3584, EP2 7168, EP3 14336, shared by the apps on it). Default 2048.
    /// </summary>
    public int MemoryMiB { get; set; } = 2048;

    /// <summary>
    /// How long a node invocation may run: the worker's deadline (host.json <c>functionTimeout</c>, capped at 230 s). At most
    /// 230 s, because Azure's load balancer ends every HTTP request that takes longer. Default 230 s.
    /// </summary>
    public TimeSpan Timeout { get; set; } = MaxHttpFunctionTimeout;

    /// <summary>How long one HTTP call may take before it fails with <see cref="TimeoutException"/>; must exceed <see cref="Timeout"/>. Null: <see cref="Timeout"/> + 30 s.</summary>
    public TimeSpan? HttpTimeout { get; set; }

    /// <summary>How long to wait for the TCP/TLS connection to an app. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Instances of one node that may run at once (the app's maximum instance count on Flex Consumption, 40–1000; default 100).</summary>
    public int MaxConcurrency { get; set; } = 100;

    /// <summary>Retries after a throttle (429, 503), a server error (5xx) or a failed connection; 0 turns retrying off. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base of the full-jitter exponential backoff: retry n waits a random time in [0, min(<see cref="RetryMaxDelay"/>, base × 2ⁿ)). Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait before a retry; a <c>Retry-After</c> asking for more ends the retries at once. Default 20 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Memory per instance in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>The HTTP timeout in force: <see cref="HttpTimeout"/> or <see cref="Timeout"/> + 30 s.</summary>
    public TimeSpan EffectiveHttpTimeout => HttpTimeout ?? Timeout + DefaultHttpTimeoutMargin;

    /// <summary>Whether a Key Vault secret holds the key (rather than configuration).</summary>
    public bool UsesKeyVault => !string.IsNullOrWhiteSpace(KeyVaultUri) || !string.IsNullOrWhiteSpace(KeyVaultSecretName);

    /// <summary>The limits these options give every function.</summary>
    public FunctionLimits ToLimits() => new(MemoryBytes, Timeout, MaxConcurrency, StorageFraction: 0.6);

    /// <summary>The pool names, in order: <see cref="FunctionNames"/> or the generated ones.</summary>
    public IReadOnlyList<string> ResolveFunctionNames()
    {
        if (FunctionNames.Count > 0) return FunctionNames.Select(n => n.Trim()).ToArray();
        if (FunctionCount <= 0) return [];
        var digits = Math.Max(3, (FunctionCount - 1).ToString(CultureInfo.InvariantCulture).Length);
        var names = new string[FunctionCount];
        for (var i = 0; i < names.Length; i++)
            names[i] = FunctionNamePrefix + i.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        return names;
    }

    /// <summary>The function app a pool name lives in: <see cref="AppName"/>, or the name itself.</summary>
    public string ResolveAppName(string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        return string.IsNullOrWhiteSpace(AppName) ? functionName.Trim() : AppName.Trim();
    }

    /// <summary>
    /// The URL a pool name is invoked at: <c>{base}/{RoutePrefix}/{FunctionRoute}</c> (one app per node) or
    /// <c>{base}/{RoutePrefix}/{FunctionRoute}/{name}</c> (<see cref="AppName"/>), the base being <see cref="BaseUrl"/> or
    /// <c>https://{app}.azurewebsites.net</c> with <c>{app}</c> replaced.
    /// </summary>
    public Uri ResolveFunctionUrl(string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        string name = functionName.Trim(), app = ResolveAppName(name);
        string template = string.IsNullOrWhiteSpace(BaseUrl) ? "https://" + AppPlaceholder + ".azurewebsites.net" : BaseUrl.Trim();
        string url = template.Replace(AppPlaceholder, app, StringComparison.Ordinal).TrimEnd('/') + "/";
        string prefix = (RoutePrefix ?? "").Trim().Trim('/');
        if (prefix.Length > 0) url += prefix + "/";
        url += (FunctionRoute ?? "").Trim().Trim('/');
        if (!string.IsNullOrWhiteSpace(AppName)) url += "/" + Uri.EscapeDataString(name);
        return new Uri(url, UriKind.Absolute);
    }

    /// <summary>The Key Vault secret name for a pool name (<c>{function}</c> replaced), or null when the key does not come from Key Vault.</summary>
    public string? ResolveSecretName(string functionName) =>
        string.IsNullOrWhiteSpace(KeyVaultSecretName) ? null : KeyVaultSecretName.Trim().Replace(FunctionPlaceholder, functionName.Trim(), StringComparison.Ordinal);

    /// <summary>Every problem with these options, each naming its key (<c>AzureFunctionsOptions.Key</c>); empty when they are valid.</summary>
    /// <param name="keyProviderGiven">Whether an <see cref="Keys.IFunctionKeyProvider"/> supplies the keys (then no key setting is required).</param>
    public IReadOnlyList<string> GetValidationErrors(bool keyProviderGiven = false)
    {
        var errors = new List<string>();
        const string p = nameof(AzureFunctionsOptions) + ".";
        bool oneApp = !string.IsNullOrWhiteSpace(AppName);

        if (FunctionNames.Count == 0)
        {
            if (FunctionCount <= 0)
                errors.Add($"{p}{nameof(FunctionNames)} or {p}{nameof(FunctionCount)} is required: list the node functions, or give how many are deployed as " +
                    $"{FunctionNamePrefix}000, {FunctionNamePrefix}001, … (FunctionCount was {FunctionCount}).");
            if (FunctionNamePrefix is null || FunctionNamePrefix.Length == 0 || !FunctionNamePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') || FunctionNamePrefix[0] == '-')
                errors.Add($"{p}{nameof(FunctionNamePrefix)} '{FunctionNamePrefix}' must start with a letter or digit and hold only letters, digits and '-' (it begins function app names).");
            else if (FunctionCount > 0 && !oneApp)
            {
                int width = Math.Max(3, (FunctionCount - 1).ToString(CultureInfo.InvariantCulture).Length);
                if (FunctionNamePrefix.Length + width > 60)
                    errors.Add($"{p}{nameof(FunctionNamePrefix)} '{FunctionNamePrefix}' is too long: function app names have at most 60 characters ({FunctionNamePrefix.Length} + {width} digits).");
            }
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in FunctionNames)
            {
                if (string.IsNullOrWhiteSpace(name)) { errors.Add($"{p}{nameof(FunctionNames)} must not contain an empty name."); continue; }
                string trimmed = name.Trim();
                if (oneApp ? !IsRouteSegment(trimmed) : !IsAppName(trimmed))
                    errors.Add(oneApp
                        ? $"{p}{nameof(FunctionNames)} '{name}' is not a route segment (letters, digits, '-', '_', '.')."
                        : $"{p}{nameof(FunctionNames)} '{name}' is not a function app name (2–60 letters, digits and '-', not starting or ending with '-').");
                else if (!seen.Add(trimmed)) errors.Add($"{p}{nameof(FunctionNames)} contains '{name}' twice (app names are case-insensitive).");
            }
        }
        if (oneApp && !IsAppName(AppName!.Trim()))
            errors.Add($"{p}{nameof(AppName)} '{AppName}' is not a function app name (2–60 letters, digits and '-', not starting or ending with '-').");

        if (!string.IsNullOrWhiteSpace(BaseUrl))
        {
            string sample = BaseUrl.Trim().Replace(AppPlaceholder, "app", StringComparison.Ordinal);
            if (!Uri.TryCreate(sample, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0
                || BaseUrl.Replace(AppPlaceholder, "", StringComparison.Ordinal).Contains('{', StringComparison.Ordinal))
                errors.Add($"{p}{nameof(BaseUrl)} '{BaseUrl}' is not an absolute http or https URL without query (e.g. http://127.0.0.1:7071 or https://{AppPlaceholder}.azurewebsites.us; '{AppPlaceholder}' is the only placeholder).");
        }
        if (RoutePrefix is null || !RoutePrefix.Trim().Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).All(IsRouteSegment))
            errors.Add($"{p}{nameof(RoutePrefix)} '{RoutePrefix}' is not a route prefix (segments of letters, digits, '-', '_', '.'; empty for none).");
        if (string.IsNullOrWhiteSpace(FunctionRoute) || !FunctionRoute.Trim().Trim('/').Split('/').All(IsRouteSegment))
            errors.Add($"{p}{nameof(FunctionRoute)} '{FunctionRoute}' is not a route (segments of letters, digits, '-', '_', '.'), e.g. node.");

        ValidateKeys(errors, p, keyProviderGiven);

        if (!Enum.IsDefined(Plan)) errors.Add($"{p}{nameof(Plan)} '{Plan}' is not FlexConsumption or Premium.");
        else if (Plan == AzureFunctionsPlan.FlexConsumption && !FlexConsumptionMemorySizes.Contains(MemoryMiB))
            errors.Add($"{p}{nameof(MemoryMiB)} must be one of the FlexConsumption instance sizes: {string.Join(", ", FlexConsumptionMemorySizes)} (was {MemoryMiB}).");
        else if (Plan == AzureFunctionsPlan.Premium && MemoryMiB is < 128 or > 14336)
            errors.Add($"{p}{nameof(MemoryMiB)} must be from 128 to 14336 on Premium — the memory one node may use of its instance " +
                $"(EP1 {PremiumMemorySizes[0]}, EP2 {PremiumMemorySizes[1]}, EP3 {PremiumMemorySizes[2]} MiB, shared by the apps on it) (was {MemoryMiB}).");
        if (Timeout <= TimeSpan.Zero || Timeout > MaxHttpFunctionTimeout)
            errors.Add($"{p}{nameof(Timeout)} must be positive and at most {MaxHttpFunctionTimeout} — Azure's load balancer ends an HTTP-triggered function's request after 230 s whatever functionTimeout says (was {Timeout}).");
        if (HttpTimeout is { } http && (http <= Timeout || http > TimeSpan.FromMilliseconds(int.MaxValue)))
            errors.Add($"{p}{nameof(HttpTimeout)} must exceed {p}{nameof(Timeout)} ({Timeout}): the HTTP call stays open while the node serves (was {http}).");
        if (ConnectTimeout <= TimeSpan.Zero) errors.Add($"{p}{nameof(ConnectTimeout)} must be positive (was {ConnectTimeout}).");
        if (MaxConcurrency <= 0) errors.Add($"{p}{nameof(MaxConcurrency)} must be positive (was {MaxConcurrency}).");
        if (MaxRetries is < 0 or > 100) errors.Add($"{p}{nameof(MaxRetries)} must be from 0 to 100 (was {MaxRetries}).");
        if (RetryBaseDelay < TimeSpan.Zero) errors.Add($"{p}{nameof(RetryBaseDelay)} must not be negative (was {RetryBaseDelay}).");
        if (RetryMaxDelay < RetryBaseDelay || RetryMaxDelay > TimeSpan.FromHours(1))
            errors.Add($"{p}{nameof(RetryMaxDelay)} must be at least {p}{nameof(RetryBaseDelay)} ({RetryBaseDelay}) and at most 01:00:00 (was {RetryMaxDelay}).");
        return errors;
    }

    private void ValidateKeys(List<string> errors, string p, bool keyProviderGiven)
    {
        bool configured = !string.IsNullOrEmpty(FunctionKey) || FunctionKeys.Count > 0;
        foreach (var (name, key) in FunctionKeys)
            if (string.IsNullOrWhiteSpace(key)) errors.Add($"{p}{nameof(FunctionKeys)}:{name} is empty.");
        if (UsesKeyVault)
        {
            if (configured)
                errors.Add($"{p}{nameof(FunctionKey)}/{p}{nameof(FunctionKeys)} and {p}{nameof(KeyVaultUri)} are both set: take the key from configuration or from Key Vault, not both.");
            if (string.IsNullOrWhiteSpace(KeyVaultUri))
                errors.Add($"{p}{nameof(KeyVaultUri)} is required with {p}{nameof(KeyVaultSecretName)} (the vault, e.g. https://contoso-tiered.vault.azure.net/).");
            else if (!Uri.TryCreate(KeyVaultUri.Trim(), UriKind.Absolute, out var vault) || vault.Scheme != "https" || vault.Query.Length > 0)
                errors.Add($"{p}{nameof(KeyVaultUri)} '{KeyVaultUri}' is not an https URL of a vault (e.g. https://contoso-tiered.vault.azure.net/).");
            if (string.IsNullOrWhiteSpace(KeyVaultSecretName))
                errors.Add($"{p}{nameof(KeyVaultSecretName)} is required with {p}{nameof(KeyVaultUri)} (the secret holding the function key, e.g. tiered-node-key or {FunctionPlaceholder}-key).");
            else
            {
                string sample = KeyVaultSecretName.Trim().Replace(FunctionPlaceholder, "a", StringComparison.Ordinal);
                if (sample.Length > 127 || !sample.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                    errors.Add($"{p}{nameof(KeyVaultSecretName)} '{KeyVaultSecretName}' is not a Key Vault secret name (1–127 letters, digits and '-'; '{FunctionPlaceholder}' stands for the pool name).");
                else if (KeyVaultSecretName.Contains(FunctionPlaceholder, StringComparison.Ordinal))
                    foreach (var name in ResolveFunctionNames().Where(n => !n.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')).Take(1))
                        errors.Add($"{p}{nameof(KeyVaultSecretName)} '{KeyVaultSecretName}' gives '{ResolveSecretName(name)}' for '{name}', which is not a Key Vault secret name (letters, digits and '-').");
            }
        }
        else if (string.IsNullOrEmpty(FunctionKey) && !keyProviderGiven)
        {
            var missing = ResolveFunctionNames().Where(n => !FunctionKeys.ContainsKey(n)).ToList();
            bool local = !string.IsNullOrWhiteSpace(BaseUrl);   // a local host (func start, a test server) does not check keys
            if (!local && (FunctionKeys.Count == 0 || missing.Count > 0))
                errors.Add(FunctionKeys.Count == 0
                    ? $"{p}{nameof(FunctionKey)} is required: the function key the apps accept as x-functions-key (set it through the environment, " +
                      $"Tiered__Backend__Azure__FunctionKey, or keep it in Key Vault with {p}{nameof(KeyVaultUri)} and {p}{nameof(KeyVaultSecretName)})."
                    : $"{p}{nameof(FunctionKeys)} has no key for {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? $" and {missing.Count - 5} more" : "")}, and {p}{nameof(FunctionKey)} is not set.");
        }
        if (ManagedIdentityClientId is not null && !UsesKeyVault)
            errors.Add($"{p}{nameof(ManagedIdentityClientId)} is set but the key does not come from Key Vault ({p}{nameof(KeyVaultUri)}).");
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every bad key; returns this when valid.</summary>
    /// <param name="keyProviderGiven">Whether an <see cref="Keys.IFunctionKeyProvider"/> supplies the keys (then no key setting is required).</param>
    public AzureFunctionsOptions Validate(bool keyProviderGiven = false)
    {
        var errors = GetValidationErrors(keyProviderGiven);
        if (errors.Count > 0) throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AzureFunctionsOptions), errors);
        return this;
    }

    /// <summary>A copy (the backend keeps its own so later changes to these options do not affect it).</summary>
    public AzureFunctionsOptions Clone()
    {
        var copy = (AzureFunctionsOptions)MemberwiseClone();
        copy.FunctionNames = new List<string>(FunctionNames);
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, key) in FunctionKeys) keys[name.Trim()] = key;
        copy.FunctionKeys = keys;
        return copy;
    }

    /// <summary>App Service's rule for app names: 2–60 letters, digits and hyphens, not starting or ending with a hyphen.</summary>
    internal static bool IsAppName(string name) =>
        name.Length is >= 2 and <= 60 && name[0] != '-' && name[^1] != '-' && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsRouteSegment(string segment) =>
        segment.Length > 0 && segment != "." && segment != ".." && segment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
