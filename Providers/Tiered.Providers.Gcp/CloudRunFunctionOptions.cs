using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using Tiered.Functions;

namespace Tiered.Providers.Gcp;

/// <summary>Where the backend gets the ID tokens it presents to the functions.</summary>
public enum GcpCredentialSource
{
    /// <summary>Application default credentials through Google.Apis.Auth (<c>GOOGLE_APPLICATION_CREDENTIALS</c>, gcloud's ADC file, then the metadata server).</summary>
    ApplicationDefault,

    /// <summary>The service account of the JSON key file <see cref="CloudRunFunctionOptions.ServiceAccountKeyFile"/>.</summary>
    ServiceAccountKeyFile,

    /// <summary>The metadata server (<see cref="CloudRunFunctionOptions.MetadataServerUrl"/>), directly: the identity of the VM, GKE pod or Cloud Run service the proxy runs in.</summary>
    MetadataServer,

    /// <summary>The fixed <see cref="CloudRunFunctionOptions.StaticIdToken"/> (local runs).</summary>
    StaticToken,
}

/// <summary>
/// Configuration of the <see cref="CloudRunFunctionBackend"/> (in a tier: <c>Tiered:Backend:Gcp</c>). The pool is required:
/// <see cref="FunctionUrls"/> (name → URL), or names (<see cref="FunctionNames"/>, or <see cref="FunctionCount"/> names from
/// <see cref="FunctionNamePrefix"/>) with a <see cref="UrlPattern"/>; everything else has a default.
/// </summary>
public sealed class CloudRunFunctionOptions
{
    /// <summary>The longest request timeout a Cloud Run service (or a Cloud Run function invoked over HTTP) can have: 60 minutes.</summary>
    public static TimeSpan MaxRequestTimeout { get; } = TimeSpan.FromMinutes(60);

    /// <summary>How much longer than <see cref="Timeout"/> an HTTP call may stay open when <see cref="HttpTimeout"/> is not set.</summary>
    public static TimeSpan DefaultHttpTimeoutMargin { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The placeholders a <see cref="UrlPattern"/> or an <see cref="Audience"/> may hold.</summary>
    public static IReadOnlyList<string> Placeholders { get; } = ["name", "index", "region", "project", "projectNumber", "projectHash"];

    /// <summary>Explicit function URLs by name; when not empty they are the pool (ordered by name) and the name/pattern keys are ignored.</summary>
    public IDictionary<string, string> FunctionUrls { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// The URL of function <c>{name}</c>: e.g. <c>https://{name}-{projectNumber}.{region}.run.app</c> (Cloud Run's deterministic URL),
    /// <c>https://{name}-{projectHash}-uc.a.run.app</c>, or <c>https://{region}-{project}.cloudfunctions.net/{name}</c>. Placeholders:
    /// <c>{name}</c>, <c>{index}</c> (the name's position, 0-based), <c>{region}</c>, <c>{project}</c>, <c>{projectNumber}</c>, <c>{projectHash}</c>.
    /// </summary>
    public string? UrlPattern { get; set; }

    /// <summary>Explicit function (service) names for <see cref="UrlPattern"/>; when not empty, <see cref="FunctionCount"/> is ignored.</summary>
    public IList<string> FunctionNames { get; set; } = new List<string>();

    /// <summary>Prefix of generated names: <c>{FunctionNamePrefix}{index}</c>, the index zero-padded to at least three digits. Default <c>tiered-node-</c>.</summary>
    public string FunctionNamePrefix { get; set; } = "tiered-node-";

    /// <summary>How many names to generate when <see cref="FunctionNames"/> and <see cref="FunctionUrls"/> are empty. Default 0.</summary>
    public int FunctionCount { get; set; }

    /// <summary>The region of the services (<c>{region}</c>), e.g. <c>us-central1</c>.</summary>
    public string? Region { get; set; }

    /// <summary>The project id (<c>{project}</c>), e.g. <c>my-project</c>.</summary>
    public string? ProjectId { get; set; }

    /// <summary>The project number (<c>{projectNumber}</c>), e.g. <c>123456789012</c>.</summary>
    public string? ProjectNumber { get; set; }

    /// <summary>The random hash of the project's legacy <c>*.a.run.app</c> URLs (<c>{projectHash}</c>), e.g. <c>abcdefghij</c>.</summary>
    public string? ProjectHash { get; set; }

    /// <summary>
    /// The audience of the ID tokens, overriding the function's URL (without a trailing <c>/</c>): a custom audience configured on
    /// the services. May hold the same placeholders as <see cref="UrlPattern"/>. Null: each function's own URL.
    /// </summary>
    public string? Audience { get; set; }

    /// <summary>The memory the services are deployed with, in MiB (128–32768). It sizes the pool and prices invocations. Default 512.</summary>
    public int MemoryMiB { get; set; } = 512;

    /// <summary>The services' request timeout (<c>--timeout</c>, at most 60 minutes): a node never stays longer. Default 60 minutes.</summary>
    public TimeSpan Timeout { get; set; } = MaxRequestTimeout;

    /// <summary>How long one HTTP call may take before it fails with <see cref="TimeoutException"/>; must exceed <see cref="Timeout"/>. Null: <see cref="Timeout"/> + 30 s.</summary>
    public TimeSpan? HttpTimeout { get; set; }

    /// <summary>How long to wait for the TCP/TLS connection. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Instances of one function that may run at once (the service's <c>--max-instances</c>). Default 100.</summary>
    public int MaxConcurrency { get; set; } = 100;

    /// <summary>Retries after a 429, a 503 (no instance available), another 5xx or a failed connection; 0 turns retrying off. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base of the full-jitter exponential backoff: retry n waits a random time in [0, min(<see cref="RetryMaxDelay"/>, base × 2ⁿ)). Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait before a retry; a <c>Retry-After</c> asking for more ends the retries at once. Default 20 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Where ID tokens come from. Null: <see cref="GcpCredentialSource.StaticToken"/> when <see cref="StaticIdToken"/> is set,
    /// <see cref="GcpCredentialSource.ServiceAccountKeyFile"/> when <see cref="ServiceAccountKeyFile"/> is set, else
    /// <see cref="GcpCredentialSource.ApplicationDefault"/>.
    /// </summary>
    public GcpCredentialSource? CredentialSource { get; set; }

    /// <summary>A service account JSON key file to mint ID tokens with.</summary>
    public string? ServiceAccountKeyFile { get; set; }

    /// <summary>A fixed bearer token sent to every function (local runs: the host's <c>TIERED_REQUIRED_BEARER</c>).</summary>
    public string? StaticIdToken { get; set; }

    /// <summary>The metadata server for <see cref="GcpCredentialSource.MetadataServer"/>. Null: <c>http://$GCE_METADATA_HOST</c>, else <c>http://metadata.google.internal</c>.</summary>
    public string? MetadataServerUrl { get; set; }

    /// <summary>Memory per instance in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>The HTTP timeout in force: <see cref="HttpTimeout"/> or <see cref="Timeout"/> + 30 s.</summary>
    public TimeSpan EffectiveHttpTimeout => HttpTimeout ?? Timeout + DefaultHttpTimeoutMargin;

    /// <summary>The credential source in force (<see cref="CredentialSource"/>, or the one the other keys imply).</summary>
    public GcpCredentialSource EffectiveCredentialSource =>
        CredentialSource ?? (!string.IsNullOrEmpty(StaticIdToken) ? GcpCredentialSource.StaticToken
            : !string.IsNullOrEmpty(ServiceAccountKeyFile) ? GcpCredentialSource.ServiceAccountKeyFile
            : GcpCredentialSource.ApplicationDefault);

    /// <summary>The limits these options give every function.</summary>
    public FunctionLimits ToLimits() => new(MemoryBytes, Timeout, MaxConcurrency);

    /// <summary>The function names of the pool, in order: the keys of <see cref="FunctionUrls"/> (ordinal order), <see cref="FunctionNames"/>, or the generated ones.</summary>
    public IReadOnlyList<string> ResolveFunctionNames()
    {
        if (FunctionUrls.Count > 0) return FunctionUrls.Keys.Select(n => n.Trim()).Order(StringComparer.Ordinal).ToArray();
        if (FunctionNames.Count > 0) return FunctionNames.Select(n => n.Trim()).ToArray();
        if (FunctionCount <= 0) return [];
        var digits = Math.Max(3, (FunctionCount - 1).ToString(CultureInfo.InvariantCulture).Length);
        var names = new string[FunctionCount];
        for (var i = 0; i < names.Length; i++)
            names[i] = FunctionNamePrefix + i.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
        return names;
    }

    /// <summary>Each function's URL, in pool order.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public IReadOnlyList<KeyValuePair<string, Uri>> ResolveFunctionUrls()
    {
        Validate();
        var names = ResolveFunctionNames();
        var urls = new KeyValuePair<string, Uri>[names.Count];
        if (FunctionUrls.Count > 0)
        {
            var byName = FunctionUrls.ToDictionary(p => p.Key.Trim(), p => p.Value.Trim(), StringComparer.Ordinal);
            for (int i = 0; i < names.Count; i++) urls[i] = new(names[i], new Uri(byName[names[i]], UriKind.Absolute));
        }
        else
        {
            for (int i = 0; i < names.Count; i++) urls[i] = new(names[i], new Uri(Expand(UrlPattern!, names[i], i), UriKind.Absolute));
        }
        return urls;
    }

    /// <summary>The audience of the tokens for function <paramref name="name"/> (at <paramref name="index"/>) at <paramref name="url"/>: <see cref="Audience"/> expanded, else the URL without query and trailing <c>/</c>.</summary>
    public string ResolveAudience(string name, int index, Uri url) =>
        !string.IsNullOrWhiteSpace(Audience) ? Expand(Audience.Trim(), name, index) : DefaultAudience(url);

    /// <summary>The audience Cloud Run expects by default: the URL (scheme, host, port when not the default, path) without query and trailing <c>/</c>.</summary>
    public static string DefaultAudience(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    /// <summary>Every problem with these options, each naming its key (<c>CloudRunFunctionOptions.Key</c>); empty when they are valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        const string p = nameof(CloudRunFunctionOptions) + ".";
        if (FunctionUrls.Count > 0)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, url) in FunctionUrls)
            {
                if (string.IsNullOrWhiteSpace(name) || name.Trim().Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#'))
                    errors.Add($"{p}{nameof(FunctionUrls)} has a bad function name '{name}' (letters, digits, '-', '_' and '.').");
                else if (!seen.Add(name.Trim())) errors.Add($"{p}{nameof(FunctionUrls)} contains '{name.Trim()}' twice.");
                if (!IsFunctionUrl(url)) errors.Add($"{p}{nameof(FunctionUrls)}:{name} '{url}' is not an absolute http or https URL without query or fragment (e.g. https://tiered-node-000-123456789012.us-central1.run.app).");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(UrlPattern))
                errors.Add($"{p}{nameof(FunctionUrls)} or {p}{nameof(UrlPattern)} is required: list each function's URL, or give the pattern of their URLs " +
                    "(e.g. https://{name}-{projectNumber}.{region}.run.app) with FunctionNames or FunctionCount.");
            else
                CheckPattern(errors, $"{p}{nameof(UrlPattern)}", UrlPattern, requireName: true, url: true);

            if (FunctionNames.Count == 0)
            {
                if (FunctionCount <= 0)
                    errors.Add($"{p}{nameof(FunctionNames)} or {p}{nameof(FunctionCount)} is required with {p}{nameof(UrlPattern)}: list the functions, or give how many are deployed as " +
                        $"{FunctionNamePrefix}000, {FunctionNamePrefix}001, … (FunctionCount was {FunctionCount}).");
                if (FunctionNamePrefix is null || FunctionNamePrefix.Length == 0 || !FunctionNamePrefix.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
                    errors.Add($"{p}{nameof(FunctionNamePrefix)} '{FunctionNamePrefix}' may only hold lowercase letters, digits, '-' and '_' (Cloud Run service names are lowercase).");
            }
            else
            {
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var name in FunctionNames)
                {
                    if (string.IsNullOrWhiteSpace(name)) errors.Add($"{p}{nameof(FunctionNames)} must not contain an empty name.");
                    else if (name.Trim().Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#' or ':')) errors.Add($"{p}{nameof(FunctionNames)} '{name}' is not a service or function name.");
                    else if (!seen.Add(name.Trim())) errors.Add($"{p}{nameof(FunctionNames)} contains '{name.Trim()}' twice.");
                }
            }
        }
        if (!string.IsNullOrWhiteSpace(Audience)) CheckPattern(errors, $"{p}{nameof(Audience)}", Audience, requireName: false, url: false);

        if (Region is not null && (Region.Trim().Length == 0 || !Region.Trim().All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')))
            errors.Add($"{p}{nameof(Region)} '{Region}' is not a region name (lowercase letters, digits and '-', e.g. us-central1).");
        if (ProjectNumber is not null && (ProjectNumber.Trim().Length == 0 || !ProjectNumber.Trim().All(char.IsAsciiDigit)))
            errors.Add($"{p}{nameof(ProjectNumber)} '{ProjectNumber}' is not a project number (digits only, e.g. 123456789012).");

        if (MemoryMiB is < 128 or > 32768) errors.Add($"{p}{nameof(MemoryMiB)} must be from 128 to 32768 (was {MemoryMiB}).");
        if (Timeout <= TimeSpan.Zero || Timeout > MaxRequestTimeout)
            errors.Add($"{p}{nameof(Timeout)} must be positive and at most {MaxRequestTimeout} (Cloud Run's limit for HTTP requests) (was {Timeout}).");
        if (HttpTimeout is { } http && (http <= Timeout || http > TimeSpan.FromMilliseconds(int.MaxValue)))
            errors.Add($"{p}{nameof(HttpTimeout)} must exceed {p}{nameof(Timeout)} ({Timeout}): the request stays open while the node serves (was {http}).");
        if (ConnectTimeout <= TimeSpan.Zero) errors.Add($"{p}{nameof(ConnectTimeout)} must be positive (was {ConnectTimeout}).");
        if (MaxConcurrency <= 0) errors.Add($"{p}{nameof(MaxConcurrency)} must be positive (was {MaxConcurrency}).");
        if (MaxRetries is < 0 or > 100) errors.Add($"{p}{nameof(MaxRetries)} must be from 0 to 100 (was {MaxRetries}).");
        if (RetryBaseDelay < TimeSpan.Zero) errors.Add($"{p}{nameof(RetryBaseDelay)} must not be negative (was {RetryBaseDelay}).");
        if (RetryMaxDelay < RetryBaseDelay || RetryMaxDelay > TimeSpan.FromHours(1))
            errors.Add($"{p}{nameof(RetryMaxDelay)} must be at least {p}{nameof(RetryBaseDelay)} ({RetryBaseDelay}) and at most 01:00:00 (was {RetryMaxDelay}).");

        var source = EffectiveCredentialSource;
        if (CredentialSource is { } explicitSource && !Enum.IsDefined(explicitSource))
            errors.Add($"{p}{nameof(CredentialSource)} '{explicitSource}' is not one of {string.Join(", ", Enum.GetNames<GcpCredentialSource>())}.");
        if (source == GcpCredentialSource.StaticToken && string.IsNullOrWhiteSpace(StaticIdToken))
            errors.Add($"{p}{nameof(StaticIdToken)} is required when {p}{nameof(CredentialSource)} is {nameof(GcpCredentialSource.StaticToken)}.");
        if (!string.IsNullOrEmpty(StaticIdToken) && (StaticIdToken.Trim().Length == 0 || StaticIdToken.Trim().Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            errors.Add($"{p}{nameof(StaticIdToken)} must be one token without spaces.");
        if (source == GcpCredentialSource.ServiceAccountKeyFile && string.IsNullOrWhiteSpace(ServiceAccountKeyFile))
            errors.Add($"{p}{nameof(ServiceAccountKeyFile)} is required when {p}{nameof(CredentialSource)} is {nameof(GcpCredentialSource.ServiceAccountKeyFile)}.");
        if (!string.IsNullOrEmpty(StaticIdToken) && !string.IsNullOrEmpty(ServiceAccountKeyFile))
            errors.Add($"{p}{nameof(StaticIdToken)} and {p}{nameof(ServiceAccountKeyFile)} are both set: use one credential.");
        if (!string.IsNullOrEmpty(StaticIdToken) && source != GcpCredentialSource.StaticToken)
            errors.Add($"{p}{nameof(StaticIdToken)} is set but {p}{nameof(CredentialSource)} is {source}: remove one.");
        if (!string.IsNullOrEmpty(ServiceAccountKeyFile) && source != GcpCredentialSource.ServiceAccountKeyFile)
            errors.Add($"{p}{nameof(ServiceAccountKeyFile)} is set but {p}{nameof(CredentialSource)} is {source}: remove one.");
        if (!string.IsNullOrWhiteSpace(MetadataServerUrl)
            && (!Uri.TryCreate(MetadataServerUrl, UriKind.Absolute, out var metadata) || metadata.Scheme is not ("http" or "https") || metadata.Query.Length > 0))
            errors.Add($"{p}{nameof(MetadataServerUrl)} '{MetadataServerUrl}' is not an absolute http URL (e.g. http://metadata.google.internal).");
        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every bad key; returns this when valid.</summary>
    public CloudRunFunctionOptions Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0) throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(CloudRunFunctionOptions), errors);
        return this;
    }

    /// <summary>A copy (the backend keeps its own so later changes to these options do not affect it).</summary>
    public CloudRunFunctionOptions Clone()
    {
        var copy = (CloudRunFunctionOptions)MemberwiseClone();
        copy.FunctionUrls = new Dictionary<string, string>(FunctionUrls, StringComparer.Ordinal);
        copy.FunctionNames = new List<string>(FunctionNames);
        return copy;
    }

    private string Expand(string pattern, string name, int index)
    {
        var result = new StringBuilder(pattern.Length + 32);
        int at = 0;
        while (at < pattern.Length)
        {
            int open = pattern.IndexOf('{', at);
            if (open < 0) { result.Append(pattern, at, pattern.Length - at); break; }
            int close = pattern.IndexOf('}', open);
            result.Append(pattern, at, open - at);
            string placeholder = pattern[(open + 1)..close];
            result.Append(placeholder switch
            {
                "name" => name,
                "index" => index.ToString(CultureInfo.InvariantCulture),
                "region" => Region!.Trim(),
                "project" => ProjectId!.Trim(),
                "projectNumber" => ProjectNumber!.Trim(),
                "projectHash" => ProjectHash!.Trim(),
                _ => throw new InvalidOperationException($"Unknown placeholder {{{placeholder}}}."),
            });
            at = close + 1;
        }
        return result.ToString();
    }

    private void CheckPattern(List<string> errors, string key, string pattern, bool requireName, bool url)
    {
        var used = new List<string>();
        int at = 0;
        while (true)
        {
            int open = pattern.IndexOf('{', at);
            int strayClose = pattern.IndexOf('}', at);
            if (strayClose >= 0 && (open < 0 || strayClose < open)) { errors.Add($"{key} '{pattern}' has a '}}' without '{{'."); return; }
            if (open < 0) break;
            int close = pattern.IndexOf('}', open);
            if (close < 0) { errors.Add($"{key} '{pattern}' has a '{{' without '}}'."); return; }
            string placeholder = pattern[(open + 1)..close];
            if (!Placeholders.Contains(placeholder, StringComparer.Ordinal))
            {
                errors.Add($"{key} '{pattern}' has an unknown placeholder {{{placeholder}}} (known: {string.Join(", ", Placeholders.Select(x => "{" + x + "}"))}).");
                return;
            }
            used.Add(placeholder);
            at = close + 1;
        }
        if (requireName && !used.Contains("name") && !used.Contains("index"))
            errors.Add($"{key} '{pattern}' must contain {{name}} (or {{index}}): every function needs its own URL.");
        foreach (var (placeholder, value, option) in new[]
        {
            ("region", Region, nameof(Region)), ("project", ProjectId, nameof(ProjectId)),
            ("projectNumber", ProjectNumber, nameof(ProjectNumber)), ("projectHash", ProjectHash, nameof(ProjectHash)),
        })
        {
            if (used.Contains(placeholder) && string.IsNullOrWhiteSpace(value))
                errors.Add($"{nameof(CloudRunFunctionOptions)}.{option} is required: {key} uses {{{placeholder}}}.");
        }
        if (url && errors.Count == 0 && !IsFunctionUrl(Expand(pattern, "tiered-node-000", 0)))
            errors.Add($"{key} '{pattern}' does not give an absolute http or https URL without query or fragment.");
    }

    private static bool IsFunctionUrl(string? text) =>
        !string.IsNullOrWhiteSpace(text) && Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
        && url.Query.Length == 0 && url.Fragment.Length == 0 && url.Host.Length > 0;
}
