using System.Globalization;
using Microsoft.Extensions.Logging;
using Tiered.Nodes;

namespace Tiered.Functions.Lambda;

/// <summary>
/// The settings of one Lambda execution environment, read from the variables Lambda (or the Tiered Lambda emulator)
/// sets for a custom runtime, plus the optional <c>TIERED_NODE_*</c> tuning of the node.
/// </summary>
public sealed record RuntimeEnvironment
{
    /// <summary>Host and port of the Runtime API (<c>AWS_LAMBDA_RUNTIME_API</c>, e.g. <c>127.0.0.1:9001</c>).</summary>
    public required string RuntimeApi { get; init; }

    /// <summary>The function's name (<c>AWS_LAMBDA_FUNCTION_NAME</c>).</summary>
    public required string FunctionName { get; init; }

    /// <summary>The version being run (<c>AWS_LAMBDA_FUNCTION_VERSION</c>; <c>$LATEST</c> when unset).</summary>
    public string FunctionVersion { get; init; } = "$LATEST";

    /// <summary>The configured memory in MB (<c>AWS_LAMBDA_FUNCTION_MEMORY_SIZE</c>; Lambda's MB are MiB).</summary>
    public required int MemoryMiB { get; init; }

    /// <summary>The memory in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>
    /// This execution environment's id: <c>AWS_LAMBDA_LOG_STREAM_NAME</c>, which Lambda makes unique per execution
    /// environment, or a random id when it is not set.
    /// </summary>
    public required string InstanceId { get; init; }

    /// <summary>The least severe log level written (<c>AWS_LAMBDA_LOG_LEVEL</c>: TRACE, DEBUG, INFO, WARN, ERROR, FATAL; default INFO).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>How the node uses the instance (<c>TIERED_NODE_STORAGE_FRACTION</c>, <c>TIERED_NODE_DEADLINE_MARGIN_MS</c>, <c>TIERED_NODE_HANDSHAKE_TIMEOUT_MS</c>).</summary>
    public FunctionNodeOptions NodeOptions { get; init; } = new();

    /// <summary>Reads this process's environment.</summary>
    /// <exception cref="RuntimeConfigurationException">A variable is missing or malformed (the message names every one).</exception>
    public static RuntimeEnvironment FromProcess() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings from <paramref name="variable"/> (a lookup of environment variables).</summary>
    /// <exception cref="RuntimeConfigurationException">A variable is missing or malformed (the message names every one).</exception>
    public static RuntimeEnvironment FromVariables(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var problems = new List<string>();

        string api = variable("AWS_LAMBDA_RUNTIME_API") ?? "";
        if (api.Length == 0) problems.Add("AWS_LAMBDA_RUNTIME_API is not set: this program is an AWS Lambda custom runtime (provided.al2023) and runs inside Lambda or the Tiered Lambda emulator (tiered lambda-emulator).");
        else if (!TryGetRuntimeApiUri(api, out _)) problems.Add($"AWS_LAMBDA_RUNTIME_API '{api}' is not a host:port address.");

        string name = variable("AWS_LAMBDA_FUNCTION_NAME") ?? "";
        if (name.Length == 0) problems.Add("AWS_LAMBDA_FUNCTION_NAME is not set.");

        string memoryText = variable("AWS_LAMBDA_FUNCTION_MEMORY_SIZE") ?? "";
        int memory = 0;
        if (memoryText.Length == 0) problems.Add("AWS_LAMBDA_FUNCTION_MEMORY_SIZE is not set.");
        else if (!int.TryParse(memoryText, NumberStyles.None, CultureInfo.InvariantCulture, out memory) || memory <= 0)
            problems.Add($"AWS_LAMBDA_FUNCTION_MEMORY_SIZE '{memoryText}' is not a positive number of MB.");

        var defaults = new FunctionNodeOptions();
        double fraction = Number(variable, "TIERED_NODE_STORAGE_FRACTION", defaults.StorageFraction, f => f is > 0 and <= 1, "a number in (0, 1]", problems);
        double marginMs = Number(variable, "TIERED_NODE_DEADLINE_MARGIN_MS", defaults.DeadlineMargin.TotalMilliseconds, m => m >= 0 && m <= TimeSpan.FromHours(1).TotalMilliseconds, "a number of milliseconds from 0 to 3600000", problems);
        double handshakeMs = Number(variable, "TIERED_NODE_HANDSHAKE_TIMEOUT_MS", defaults.HandshakeTimeout.TotalMilliseconds, m => m > 0 && m <= TimeSpan.FromHours(1).TotalMilliseconds, "a positive number of milliseconds up to 3600000", problems);

        var level = LogLevel.Information;
        string? levelText = variable("AWS_LAMBDA_LOG_LEVEL");
        if (!string.IsNullOrEmpty(levelText) && !TryParseLogLevel(levelText, out level))
            problems.Add($"AWS_LAMBDA_LOG_LEVEL '{levelText}' is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL.");

        if (problems.Count > 0) throw new RuntimeConfigurationException(problems);

        string? stream = variable("AWS_LAMBDA_LOG_STREAM_NAME");
        string? version = variable("AWS_LAMBDA_FUNCTION_VERSION");
        return new RuntimeEnvironment
        {
            RuntimeApi = api,
            FunctionName = name,
            FunctionVersion = string.IsNullOrEmpty(version) ? "$LATEST" : version,
            MemoryMiB = memory,
            InstanceId = string.IsNullOrEmpty(stream) ? "local-" + Guid.NewGuid().ToString("N") : stream,
            LogLevel = level,
            NodeOptions = defaults with
            {
                StorageFraction = fraction,
                DeadlineMargin = TimeSpan.FromMilliseconds(marginMs),
                HandshakeTimeout = TimeSpan.FromMilliseconds(handshakeMs),
            },
        };
    }

    /// <summary>The base address of the Runtime API at <paramref name="runtimeApi"/> (<c>host:port</c>), when it is one.</summary>
    public static bool TryGetRuntimeApiUri(string? runtimeApi, out Uri uri)
    {
        uri = null!;
        if (string.IsNullOrWhiteSpace(runtimeApi) || runtimeApi.Contains('/', StringComparison.Ordinal)) return false;
        if (!Uri.TryCreate("http://" + runtimeApi + "/", UriKind.Absolute, out var parsed) || parsed.IsDefaultPort || parsed.Port <= 0) return false;
        uri = parsed;
        return true;
    }

    private static double Number(Func<string, string?> variable, string key, double fallback, Func<double, bool> valid, string expected, List<string> problems)
    {
        string? text = variable(key);
        if (string.IsNullOrEmpty(text)) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && valid(value)) return value;
        problems.Add($"{key} '{text}' is not {expected}.");
        return fallback;
    }

    private static bool TryParseLogLevel(string text, out LogLevel level)
    {
        level = text.ToUpperInvariant() switch
        {
            "TRACE" => LogLevel.Trace,
            "DEBUG" => LogLevel.Debug,
            "INFO" => LogLevel.Information,
            "WARN" => LogLevel.Warning,
            "ERROR" => LogLevel.Error,
            "FATAL" => LogLevel.Critical,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }
}

/// <summary>The execution environment's variables are missing or malformed; <see cref="Exception.Message"/> names each one.</summary>
public sealed class RuntimeConfigurationException(IReadOnlyList<string> problems)
    : Exception("The Lambda environment is not valid: " + string.Join(" ", problems))
{
    /// <summary>One sentence per bad variable.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
