using System.Globalization;
using Microsoft.Extensions.Options;
using Tiered.Functions;

namespace Tiered.Providers.AwsLambda;

/// <summary>
/// Configuration of the <see cref="AwsLambdaFunctionBackend"/> (in a tier: <c>Tiered:Backend:AwsLambda</c>). <see cref="Region"/>
/// and the pool (<see cref="FunctionNames"/>, or <see cref="FunctionCount"/> names generated from <see cref="FunctionNamePrefix"/>)
/// are required; everything else has a default.
/// </summary>
public sealed class AwsLambdaOptions
{
    /// <summary>The longest timeout a Lambda function can have (900 s).</summary>
    public static TimeSpan MaxFunctionTimeout { get; } = TimeSpan.FromMinutes(15);

    /// <summary>How much longer than <see cref="Timeout"/> an HTTP call may stay open when <see cref="HttpTimeout"/> is not set.</summary>
    public static TimeSpan DefaultHttpTimeoutMargin { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The AWS region of the functions, e.g. <c>us-east-1</c>. Required (also with <see cref="ServiceUrl"/>: it is part of the signature).</summary>
    public string? Region { get; set; }

    /// <summary>
    /// The Lambda endpoint, overriding <c>https://lambda.{Region}.amazonaws.com</c>: e.g. <c>http://127.0.0.1:9001</c> for the
    /// project's Lambda emulator or <c>http://localhost:4566</c> for LocalStack. Null uses the regional endpoint.
    /// </summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Explicit function names (or ARNs); when not empty they are the pool and <see cref="FunctionCount"/> is ignored.</summary>
    public IList<string> FunctionNames { get; set; } = new List<string>();

    /// <summary>
    /// Prefix of generated names: <c>{FunctionNamePrefix}{index}</c>, the index zero-padded to at least three digits (more when
    /// <see cref="FunctionCount"/> &gt; 1000): <c>tiered-node-000</c> … <c>tiered-node-011</c>. Default <c>tiered-node-</c>.
    /// </summary>
    public string FunctionNamePrefix { get; set; } = "tiered-node-";

    /// <summary>How many functions to generate names for when <see cref="FunctionNames"/> is empty. Default 0 (so one of the two must be set).</summary>
    public int FunctionCount { get; set; }

    /// <summary>A version or alias to invoke (sent as <c>?Qualifier=</c>), e.g. <c>live</c> or <c>$LATEST</c>; null invokes the unqualified function.</summary>
    public string? Qualifier { get; set; }

    /// <summary>The memory the functions are deployed with, in MiB (128–10240). It sizes the pool until invocations report their own <c>Memory Size</c>. Default 1536.</summary>
    public int MemoryMiB { get; set; } = 1536;

    /// <summary>The functions' configured timeout (at most 15 minutes): a node never stays longer. Default 15 minutes.</summary>
    public TimeSpan Timeout { get; set; } = MaxFunctionTimeout;

    /// <summary>
    /// How long one Invoke HTTP call may take before it fails with <see cref="TimeoutException"/>. A <c>RequestResponse</c> call stays
    /// open while the node serves, so it must exceed <see cref="Timeout"/>. Null: <see cref="Timeout"/> + 30 s.
    /// </summary>
    public TimeSpan? HttpTimeout { get; set; }

    /// <summary>How long to wait for the TCP/TLS connection to the endpoint. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Instances of one function that may run at once (the function's reserved or the account's concurrency). Default 1000.</summary>
    public int MaxConcurrency { get; set; } = 1000;

    /// <summary>Retries after a throttle (429), a server error (5xx) or a failed connection; 0 turns retrying off. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>Base of the full-jitter exponential backoff: retry n waits a random time in [0, min(<see cref="RetryMaxDelay"/>, base × 2ⁿ)). Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait before a retry; a <c>Retry-After</c> asking for more ends the retries at once. Default 20 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>A profile of the shared credentials/config files to sign with (instead of the default chain). Null: the default chain.</summary>
    public string? ProfileName { get; set; }

    /// <summary>The credentials file <see cref="ProfileName"/> is read from; null: the standard locations (<c>~/.aws/credentials</c>, <c>~/.aws/config</c>).</summary>
    public string? ProfilesLocation { get; set; }

    /// <summary>A static access key id (e.g. the local emulator's); with <see cref="SecretAccessKey"/> it replaces the credential chain.</summary>
    public string? AccessKeyId { get; set; }

    /// <summary>The secret of <see cref="AccessKeyId"/>.</summary>
    public string? SecretAccessKey { get; set; }

    /// <summary>The session token of temporary static credentials.</summary>
    public string? SessionToken { get; set; }

    /// <summary>Memory per instance in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>The HTTP timeout in force: <see cref="HttpTimeout"/> or <see cref="Timeout"/> + 30 s.</summary>
    public TimeSpan EffectiveHttpTimeout => HttpTimeout ?? Timeout + DefaultHttpTimeoutMargin;

    /// <summary>The limits these options give every function.</summary>
    public FunctionLimits ToLimits() => new(MemoryBytes, Timeout, MaxConcurrency);

    /// <summary>The endpoint invocations go to: <see cref="ServiceUrl"/>, or the regional one (<c>.amazonaws.com.cn</c> in China regions).</summary>
    public Uri ResolveEndpoint()
    {
        if (!string.IsNullOrWhiteSpace(ServiceUrl)) return new Uri(ServiceUrl.TrimEnd('/') + "/", UriKind.Absolute);
        if (string.IsNullOrWhiteSpace(Region)) throw new InvalidOperationException("AwsLambdaOptions.Region is required to find the Lambda endpoint.");
        string region = Region.Trim();
        string domain = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        return new Uri($"https://lambda.{region}.{domain}/", UriKind.Absolute);
    }

    /// <summary>The function names of the pool, in order: <see cref="FunctionNames"/> or the generated ones.</summary>
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

    /// <summary>Every problem with these options, each naming its key (<c>AwsLambdaOptions.Key</c>); empty when they are valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        const string p = nameof(AwsLambdaOptions) + ".";
        if (string.IsNullOrWhiteSpace(Region))
            errors.Add($"{p}{nameof(Region)} is required (the AWS region of the functions, e.g. us-east-1).");
        else if (!Region.Trim().All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            errors.Add($"{p}{nameof(Region)} '{Region}' is not a region name (lowercase letters, digits and '-', e.g. us-east-1).");
        if (!string.IsNullOrWhiteSpace(ServiceUrl)
            && (!Uri.TryCreate(ServiceUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.Query.Length > 0 || url.Fragment.Length > 0))
            errors.Add($"{p}{nameof(ServiceUrl)} '{ServiceUrl}' is not an absolute http or https URL without query (e.g. http://127.0.0.1:9001).");

        if (FunctionNames.Count == 0)
        {
            if (FunctionCount <= 0)
                errors.Add($"{p}{nameof(FunctionNames)} or {p}{nameof(FunctionCount)} is required: list the functions, or give how many are deployed as " +
                    $"{FunctionNamePrefix}000, {FunctionNamePrefix}001, … (FunctionCount was {FunctionCount}).");
            if (FunctionNamePrefix is null || !FunctionNamePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                errors.Add($"{p}{nameof(FunctionNamePrefix)} '{FunctionNamePrefix}' may only hold letters, digits, '-' and '_'.");
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in FunctionNames)
            {
                if (string.IsNullOrWhiteSpace(name)) errors.Add($"{p}{nameof(FunctionNames)} must not contain an empty name.");
                else if (name.Trim().Any(c => char.IsWhiteSpace(c) || c is '/' or '?' or '#')) errors.Add($"{p}{nameof(FunctionNames)} '{name}' is not a function name or ARN.");
                else if (!seen.Add(name.Trim())) errors.Add($"{p}{nameof(FunctionNames)} contains '{name}' twice.");
            }
        }
        if (Qualifier is not null && (Qualifier.Length is 0 or > 128 || !Qualifier.All(c => char.IsAsciiLetterOrDigit(c) || c is '$' or '-' or '_')))
            errors.Add($"{p}{nameof(Qualifier)} '{Qualifier}' is not a version or alias (1–128 letters, digits, '$', '-', '_').");

        if (MemoryMiB is < 128 or > 10240) errors.Add($"{p}{nameof(MemoryMiB)} must be from 128 to 10240 (was {MemoryMiB}).");
        if (Timeout <= TimeSpan.Zero || Timeout > MaxFunctionTimeout)
            errors.Add($"{p}{nameof(Timeout)} must be positive and at most {MaxFunctionTimeout} (Lambda's limit) (was {Timeout}).");
        if (HttpTimeout is { } http && (http <= Timeout || http > TimeSpan.FromMilliseconds(int.MaxValue)))
            errors.Add($"{p}{nameof(HttpTimeout)} must exceed {p}{nameof(Timeout)} ({Timeout}): a RequestResponse call stays open while the function runs (was {http}).");
        if (ConnectTimeout <= TimeSpan.Zero) errors.Add($"{p}{nameof(ConnectTimeout)} must be positive (was {ConnectTimeout}).");
        if (MaxConcurrency <= 0) errors.Add($"{p}{nameof(MaxConcurrency)} must be positive (was {MaxConcurrency}).");
        if (MaxRetries is < 0 or > 100) errors.Add($"{p}{nameof(MaxRetries)} must be from 0 to 100 (was {MaxRetries}).");
        if (RetryBaseDelay < TimeSpan.Zero) errors.Add($"{p}{nameof(RetryBaseDelay)} must not be negative (was {RetryBaseDelay}).");
        if (RetryMaxDelay < RetryBaseDelay || RetryMaxDelay > TimeSpan.FromHours(1))
            errors.Add($"{p}{nameof(RetryMaxDelay)} must be at least {p}{nameof(RetryBaseDelay)} ({RetryBaseDelay}) and at most 01:00:00 (was {RetryMaxDelay}).");

        bool hasKey = !string.IsNullOrEmpty(AccessKeyId), hasSecret = !string.IsNullOrEmpty(SecretAccessKey);
        if (hasKey != hasSecret)
            errors.Add($"{p}{(hasKey ? nameof(SecretAccessKey) : nameof(AccessKeyId))} is required when {p}{(hasKey ? nameof(AccessKeyId) : nameof(SecretAccessKey))} is set (static credentials need both).");
        if (!string.IsNullOrEmpty(SessionToken) && !hasKey)
            errors.Add($"{p}{nameof(SessionToken)} is set without {p}{nameof(AccessKeyId)} and {p}{nameof(SecretAccessKey)}.");
        if (hasKey && !string.IsNullOrEmpty(ProfileName))
            errors.Add($"{p}{nameof(ProfileName)} and {p}{nameof(AccessKeyId)} are both set: use static keys or a profile, not both.");
        if (!string.IsNullOrEmpty(ProfilesLocation) && string.IsNullOrEmpty(ProfileName))
            errors.Add($"{p}{nameof(ProfilesLocation)} is set without {p}{nameof(ProfileName)}.");
        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every bad key; returns this when valid.</summary>
    public AwsLambdaOptions Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0) throw new OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(AwsLambdaOptions), errors);
        return this;
    }

    /// <summary>A copy (the backend keeps its own so later changes to these options do not affect it).</summary>
    public AwsLambdaOptions Clone()
    {
        var copy = (AwsLambdaOptions)MemberwiseClone();
        copy.FunctionNames = new List<string>(FunctionNames);
        return copy;
    }
}
