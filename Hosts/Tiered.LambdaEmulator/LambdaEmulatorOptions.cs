using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Tiered.LambdaEmulator;

/// <summary>
/// Configuration of a <see cref="LambdaEmulator"/>. The functions are the union of <see cref="Functions"/> (each
/// with its own settings), <see cref="FunctionNames"/> and <see cref="FunctionCount"/> generated names; with
/// <see cref="AutoCreateFunctions"/> any valid name invoked exists too. Function settings left unset take the
/// defaults here (<see cref="MemoryMiB"/>, <see cref="Timeout"/>, <see cref="ReservedConcurrency"/>,
/// <see cref="BootstrapPath"/>, …).
/// </summary>
public sealed partial class LambdaEmulatorOptions
{
    /// <summary>The conventional configuration section for these options.</summary>
    public const string SectionName = "LambdaEmulator";

    /// <summary>Largest synchronous request payload and largest response, as on Lambda (6 MB = 6,291,456 bytes).</summary>
    public const int MaxSyncPayloadBytes = 6 * 1024 * 1024;

    /// <summary>Largest asynchronous (Event) request payload, as on Lambda (1 MB).</summary>
    public const int MaxEventPayloadBytes = 1024 * 1024;

    /// <summary>Lambda's memory bounds in MB.</summary>
    public const int MinMemoryMiB = 128, MaxMemoryMiB = 10240;

    /// <summary>Lambda's longest timeout (15 minutes).</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromMinutes(15);

    /// <summary>Port of the Invoke API on 127.0.0.1; 0 picks a free one (see <see cref="LambdaEmulator.Endpoint"/>). Default 0.</summary>
    public int Port { get; set; }

    /// <summary>Region in ARNs and <c>AWS_REGION</c>. Default <c>us-east-1</c>.</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Account id in ARNs. Default <c>000000000000</c>.</summary>
    public string AccountId { get; set; } = "000000000000";

    /// <summary>Functions with their own settings (unset ones take the defaults below).</summary>
    public IList<LambdaFunctionDefinition> Functions { get; set; } = new List<LambdaFunctionDefinition>();

    /// <summary>More functions by name, with the default settings.</summary>
    public IList<string> FunctionNames { get; set; } = new List<string>();

    /// <summary>How many functions to generate: <see cref="FunctionNamePrefix"/> + 000, 001, … (at least three digits). Default 0.</summary>
    public int FunctionCount { get; set; }

    /// <summary>Prefix of generated names. Default <c>tiered-node-</c>.</summary>
    public string FunctionNamePrefix { get; set; } = "tiered-node-";

    /// <summary>Any valid function name invoked exists (created on first use with the default settings). Default false.</summary>
    public bool AutoCreateFunctions { get; set; }

    /// <summary>Default memory per instance in MB (128–10240), passed as <c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c>. Default 1536.</summary>
    public int MemoryMiB { get; set; } = 1536;

    /// <summary>Default longest invocation (1 s to 15 min): the process is killed at the deadline. Default 15 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Default number of instances of one function that may be starting or busy at once (0 throttles every invocation). Default 10.</summary>
    public int ReservedConcurrency { get; set; } = 10;

    /// <summary>
    /// Default bootstrap: an executable, or a <c>.dll</c> run with the <c>dotnet</c> host (the current one when this process
    /// is <c>dotnet</c>). Required unless every function has its own.
    /// </summary>
    public string? BootstrapPath { get; set; }

    /// <summary>Default arguments given to the bootstrap.</summary>
    public IList<string> BootstrapArguments { get; set; } = new List<string>();

    /// <summary>Default extra environment variables of the function (Lambda's reserved variables are refused).</summary>
    public IDictionary<string, string> Environment { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Default <c>_HANDLER</c>. Default <c>bootstrap</c>.</summary>
    public string Handler { get; set; } = "bootstrap";

    /// <summary>How long a new process may take to ask for its first invocation before the environment is dropped (Lambda: 10 s). Default 10 s.</summary>
    public TimeSpan InitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle time after which an instance is reclaimed (restarted by every invocation); null keeps idle instances forever. Default null.</summary>
    public TimeSpan? IdleLifetime { get; set; }

    /// <summary>Fault injection: instances reclaimed per minute across the emulator (a Poisson process; each event kills one live instance picked uniformly). 0 = off.</summary>
    public double ReclaimRatePerMinute { get; set; }

    /// <summary>Seed of the random source of fault injection; null seeds from the system.</summary>
    public int? Seed { get; set; }

    /// <summary>Refuse (403) Invoke calls without an <c>Authorization: AWS4-HMAC-SHA256 Credential=…/lambda/aws4_request, SignedHeaders=…, Signature=…</c> header. The signature itself is not verified. Default false.</summary>
    public bool RequireSignature { get; set; }

    /// <summary>The longest timer delay (about 49.7 days); longer idle lifetimes are capped to it.</summary>
    public static TimeSpan MaxDelay { get; } = TimeSpan.FromMilliseconds(uint.MaxValue - 1.0);

    /// <summary>Variables Lambda reserves (they cannot be set in <see cref="Environment"/>).</summary>
    public static IReadOnlySet<string> ReservedVariables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
    };

    /// <summary>Whether <paramref name="name"/> is a valid Lambda function name (1–64 of letters, digits, hyphens, underscores).</summary>
    public static bool IsValidFunctionName(string? name) => name is not null && FunctionNamePattern().IsMatch(name);

    /// <summary>The generated names (<see cref="FunctionNamePrefix"/> + index, at least three digits).</summary>
    public IReadOnlyList<string> GeneratedFunctionNames()
    {
        if (FunctionCount <= 0) return [];
        int digits = Math.Max(3, (FunctionCount - 1).ToString(CultureInfo.InvariantCulture).Length);
        return Enumerable.Range(0, FunctionCount).Select(i => FunctionNamePrefix + i.ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0')).ToArray();
    }

    /// <summary>Every problem with these options, each naming its key; empty when they are valid.</summary>
    public IReadOnlyList<string> GetValidationErrors()
    {
        var errors = new List<string>();
        const string p = nameof(LambdaEmulatorOptions) + ".";
        if (Port is < 0 or > 65535) errors.Add($"{p}{nameof(Port)} must be from 0 to 65535 (was {Port}).");
        if (string.IsNullOrWhiteSpace(Region) || !RegionPattern().IsMatch(Region)) errors.Add($"{p}{nameof(Region)} must look like us-east-1 (was '{Region}').");
        if (AccountId is null || !AccountPattern().IsMatch(AccountId)) errors.Add($"{p}{nameof(AccountId)} must be 12 digits (was '{AccountId}').");
        if (FunctionCount < 0) errors.Add($"{p}{nameof(FunctionCount)} must not be negative (was {FunctionCount}).");
        if (FunctionCount > 0 && FunctionNamePrefix is null) errors.Add($"{p}{nameof(FunctionNamePrefix)} must not be null.");
        if (InitTimeout <= TimeSpan.Zero || InitTimeout > MaxTimeout) errors.Add($"{p}{nameof(InitTimeout)} must be positive and at most 15 minutes (was {InitTimeout}).");
        if (IdleLifetime is { } idle && idle <= TimeSpan.Zero) errors.Add($"{p}{nameof(IdleLifetime)} must be positive, or null to keep idle instances (was {idle}).");
        if (!(ReclaimRatePerMinute >= 0) || double.IsInfinity(ReclaimRatePerMinute))
            errors.Add($"{p}{nameof(ReclaimRatePerMinute)} must be a finite number ≥ 0 (was {ReclaimRatePerMinute.ToString(CultureInfo.InvariantCulture)}).");

        bool defaultsUsed = FunctionNames.Count > 0 || FunctionCount > 0 || AutoCreateFunctions || Functions.Any(f => f?.BootstrapPath is null);
        CheckSettings(errors, p, MemoryMiB, Timeout, ReservedConcurrency, BootstrapPath, BootstrapArguments, Environment, Handler, bootstrapRequired: defaultsUsed);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < Functions.Count; i++)
        {
            var f = Functions[i];
            string fp = $"{p}{nameof(Functions)}[{i}].";
            if (f is null)
            {
                errors.Add($"{p}{nameof(Functions)}[{i}] must not be null.");
                continue;
            }
            CheckName(errors, $"{fp}{nameof(LambdaFunctionDefinition.Name)}", f.Name, seen);
            CheckSettings(errors, fp, f.MemoryMiB ?? MemoryMiB, f.Timeout ?? Timeout, f.ReservedConcurrency ?? ReservedConcurrency,
                f.BootstrapPath, f.BootstrapArguments ?? [], f.Environment ?? new Dictionary<string, string>(), f.Handler ?? Handler, bootstrapRequired: false,
                only: f);
        }
        for (int i = 0; i < FunctionNames.Count; i++) CheckName(errors, $"{p}{nameof(FunctionNames)}[{i}]", FunctionNames[i], seen);
        if (FunctionCount > 0 && FunctionNamePrefix is not null)
            foreach (string name in GeneratedFunctionNames()) CheckName(errors, $"{p}{nameof(FunctionNamePrefix)} + {nameof(FunctionCount)}", name, seen);
        if (seen.Count == 0 && !AutoCreateFunctions)
            errors.Add($"{nameof(LambdaEmulatorOptions)} has no functions: set {nameof(Functions)}, {nameof(FunctionNames)}, {nameof(FunctionCount)} or {nameof(AutoCreateFunctions)}.");
        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every bad key; returns this when valid.</summary>
    public LambdaEmulatorOptions Validate()
    {
        var errors = GetValidationErrors();
        if (errors.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(LambdaEmulatorOptions), errors);
        return this;
    }

    /// <summary>A deep copy (the emulator keeps its own, so later changes to these options have no effect).</summary>
    public LambdaEmulatorOptions Clone()
    {
        var copy = (LambdaEmulatorOptions)MemberwiseClone();
        copy.Functions = Functions.Select(f => f?.Clone()!).ToList();
        copy.FunctionNames = new List<string>(FunctionNames);
        copy.BootstrapArguments = new List<string>(BootstrapArguments);
        copy.Environment = new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        return copy;
    }

    private static void CheckName(List<string> errors, string key, string? name, HashSet<string> seen)
    {
        if (!IsValidFunctionName(name)) errors.Add($"{key} '{name}' is not a valid function name (1 to 64 letters, digits, hyphens or underscores).");
        else if (!seen.Add(name!)) errors.Add($"{key} '{name}' names a function twice.");
    }

    private static void CheckSettings(List<string> errors, string p, int memoryMiB, TimeSpan timeout, int concurrency, string? bootstrap,
        IList<string> arguments, IDictionary<string, string> environment, string? handler, bool bootstrapRequired, LambdaFunctionDefinition? only = null)
    {
        // For a function definition, only its own (non-null) settings are reported, so a bad default is named once.
        if ((only is null || only.MemoryMiB is not null) && memoryMiB is < MinMemoryMiB or > MaxMemoryMiB)
            errors.Add($"{p}{nameof(MemoryMiB)} must be from {MinMemoryMiB} to {MaxMemoryMiB} MB (was {memoryMiB}).");
        if ((only is null || only.Timeout is not null) && (timeout < TimeSpan.FromSeconds(1) || timeout > MaxTimeout))
            errors.Add($"{p}{nameof(Timeout)} must be from 1 second to 15 minutes (was {timeout}).");
        if ((only is null || only.ReservedConcurrency is not null) && concurrency is < 0 or > 10000)
            errors.Add($"{p}{nameof(ReservedConcurrency)} must be from 0 to 10000 (was {concurrency}).");
        if (bootstrap is not null)
        {
            if (bootstrap.Length == 0 || !File.Exists(bootstrap)) errors.Add($"{p}{nameof(BootstrapPath)} '{bootstrap}' does not exist.");
        }
        else if (bootstrapRequired)
        {
            errors.Add($"{p}{nameof(BootstrapPath)} must be set (an executable bootstrap, or a .dll run with dotnet).");
        }
        if ((only is null || only.BootstrapArguments is not null) && arguments.Any(a => a is null)) errors.Add($"{p}{nameof(BootstrapArguments)} must not contain null.");
        if ((only is null || only.Handler is not null) && string.IsNullOrEmpty(handler)) errors.Add($"{p}{nameof(Handler)} must not be empty.");
        if (only is null || only.Environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                if (string.IsNullOrEmpty(key) || key.Contains('=', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal))
                    errors.Add($"{p}{nameof(Environment)} has an invalid variable name '{key}'.");
                else if (ReservedVariables.Contains(key))
                    errors.Add($"{p}{nameof(Environment)} sets {key}, which Lambda reserves.");
                else if (value is null)
                    errors.Add($"{p}{nameof(Environment)}[{key}] must not be null.");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex FunctionNamePattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountPattern();
}

/// <summary>One function of the emulator with its own settings; null settings take the <see cref="LambdaEmulatorOptions"/> defaults.</summary>
public sealed class LambdaFunctionDefinition
{
    /// <summary>The function name (1–64 letters, digits, hyphens, underscores).</summary>
    public string Name { get; set; } = "";

    /// <summary>Memory in MB (128–10240).</summary>
    public int? MemoryMiB { get; set; }

    /// <summary>Longest invocation (1 s to 15 min).</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Instances that may be starting or busy at once.</summary>
    public int? ReservedConcurrency { get; set; }

    /// <summary>The bootstrap executable or <c>.dll</c>.</summary>
    public string? BootstrapPath { get; set; }

    /// <summary>Arguments of the bootstrap (replace the defaults).</summary>
    public IList<string>? BootstrapArguments { get; set; }

    /// <summary>Extra environment variables, added over the defaults.</summary>
    public IDictionary<string, string>? Environment { get; set; }

    /// <summary><c>_HANDLER</c>.</summary>
    public string? Handler { get; set; }

    /// <summary>A deep copy.</summary>
    public LambdaFunctionDefinition Clone()
    {
        var copy = (LambdaFunctionDefinition)MemberwiseClone();
        copy.BootstrapArguments = BootstrapArguments is null ? null : new List<string>(BootstrapArguments);
        copy.Environment = Environment is null ? null : new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        return copy;
    }
}

/// <summary>Validates <see cref="LambdaEmulatorOptions"/> when they are resolved from DI (the same checks as <see cref="LambdaEmulatorOptions.Validate"/>).</summary>
public sealed class LambdaEmulatorOptionsValidator : IValidateOptions<LambdaEmulatorOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LambdaEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.GetValidationErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
