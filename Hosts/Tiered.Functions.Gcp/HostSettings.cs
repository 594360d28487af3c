using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Tiered.Nodes;

namespace Tiered.Functions.Gcp;

/// <summary>
/// The settings of one Cloud Run instance of the node, read from its environment: what Cloud Run sets (<c>PORT</c>,
/// <c>K_SERVICE</c>, <c>K_REVISION</c>) and the optional <c>TIERED_*</c> variables.
/// </summary>
public sealed record HostSettings
{
    /// <summary>The TCP port to listen on (<c>PORT</c>, which Cloud Run sets; default 8080).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The address to listen on (<c>TIERED_LISTEN_HOST</c>); null: every interface, as Cloud Run requires.</summary>
    public IPAddress? ListenAddress { get; init; }

    /// <summary>The function's name (<c>K_SERVICE</c>; <c>tiered-node</c> when unset).</summary>
    public string FunctionName { get; init; } = "tiered-node";

    /// <summary>The revision running (<c>K_REVISION</c>), if known.</summary>
    public string? Revision { get; init; }

    /// <summary>This instance's id: random per process (Cloud Run gives instances no id in the environment).</summary>
    public string InstanceId { get; init; } = NewInstanceId();

    /// <summary>The instance's memory in MiB (<c>TIERED_MEMORY_MIB</c>, else the cgroup's limit, else 512).</summary>
    public int MemoryMiB { get; init; } = 512;

    /// <summary>Where <see cref="MemoryMiB"/> came from (<c>TIERED_MEMORY_MIB</c>, <c>cgroup</c>, <c>default</c>).</summary>
    public string MemorySource { get; init; } = "default";

    /// <summary>The memory in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>The service's request timeout (<c>TIERED_REQUEST_TIMEOUT</c>: seconds, <c>90s</c>, <c>5m</c> or <c>hh:mm:ss</c>; default 60 minutes): each request's deadline is its arrival plus this.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>A bearer token every <c>POST /</c> must carry (<c>TIERED_REQUIRED_BEARER</c>): a guard for local runs; on Cloud Run, IAM checks the caller first.</summary>
    public string? RequiredBearer { get; init; }

    /// <summary>The least severe level logged (<c>TIERED_LOG_LEVEL</c>: trace, debug, information, warning, error; default information).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>How the node uses the instance (<c>TIERED_NODE_STORAGE_FRACTION</c>, <c>TIERED_NODE_DEADLINE_MARGIN_MS</c> (default 5000), <c>TIERED_NODE_HANDSHAKE_TIMEOUT_MS</c>).</summary>
    public FunctionNodeOptions NodeOptions { get; init; } = new() { DeadlineMargin = DefaultDeadlineMargin };

    /// <summary>How long before the request's deadline the node returns by default: 5 s, so the answer still reaches the caller in time.</summary>
    public static TimeSpan DefaultDeadlineMargin { get; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the cgroup memory limit is read from (v2, then v1).</summary>
    internal static string[] CgroupMemoryFiles { get; set; } = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"];

    /// <summary>Reads this process's environment.</summary>
    /// <exception cref="HostConfigurationException">A variable is malformed (the message names every one).</exception>
    public static HostSettings FromProcess() => FromVariables(Environment.GetEnvironmentVariable);

    /// <summary>Reads the settings from <paramref name="variable"/> (a lookup of environment variables).</summary>
    /// <exception cref="HostConfigurationException">A variable is malformed (the message names every one).</exception>
    public static HostSettings FromVariables(Func<string, string?> variable, Func<string, string?>? readFile = null)
    {
        ArgumentNullException.ThrowIfNull(variable);
        readFile ??= ReadFileOrNull;
        var problems = new List<string>();

        int port = 8080;
        if (variable("PORT") is { Length: > 0 } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is <= 0 or > 65535))
            problems.Add($"PORT '{portText}' is not a TCP port (1–65535).");

        IPAddress? listen = null;
        if (variable("TIERED_LISTEN_HOST") is { Length: > 0 } listenText && !IPAddress.TryParse(listenText, out listen))
            problems.Add($"TIERED_LISTEN_HOST '{listenText}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).");

        int memory = 512;
        string memorySource = "default";
        if (variable("TIERED_MEMORY_MIB") is { Length: > 0 } memoryText)
        {
            if (!int.TryParse(memoryText, NumberStyles.None, CultureInfo.InvariantCulture, out memory) || memory is < 16 or > 1024 * 1024)
                problems.Add($"TIERED_MEMORY_MIB '{memoryText}' is not a number of MiB from 16 to 1048576.");
            memorySource = "TIERED_MEMORY_MIB";
        }
        else if (CgroupMemoryMiB(readFile) is { } cgroup)
        {
            (memory, memorySource) = (cgroup, "cgroup");
        }

        var timeout = TimeSpan.FromMinutes(60);
        if (variable("TIERED_REQUEST_TIMEOUT") is { Length: > 0 } timeoutText)
        {
            if (TryParseDuration(timeoutText, out var parsed) && parsed > TimeSpan.Zero && parsed <= TimeSpan.FromHours(24)) timeout = parsed;
            else problems.Add($"TIERED_REQUEST_TIMEOUT '{timeoutText}' is not a positive duration up to 24 h (seconds, '90s', '5m', '1h' or hh:mm:ss).");
        }

        string? bearer = variable("TIERED_REQUIRED_BEARER");
        if (bearer is { Length: > 0 } && bearer.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            problems.Add("TIERED_REQUIRED_BEARER must be one token without spaces.");

        var level = LogLevel.Information;
        if (variable("TIERED_LOG_LEVEL") is { Length: > 0 } levelText && !TryParseLogLevel(levelText, out level))
            problems.Add($"TIERED_LOG_LEVEL '{levelText}' is not one of trace, debug, information, warning, error, critical.");

        var defaults = new FunctionNodeOptions();
        double fraction = Number(variable, "TIERED_NODE_STORAGE_FRACTION", defaults.StorageFraction, f => f is > 0 and <= 1, "a number in (0, 1]", problems);
        double marginMs = Number(variable, "TIERED_NODE_DEADLINE_MARGIN_MS", DefaultDeadlineMargin.TotalMilliseconds, m => m >= 0 && m <= TimeSpan.FromHours(1).TotalMilliseconds, "a number of milliseconds from 0 to 3600000", problems);
        double handshakeMs = Number(variable, "TIERED_NODE_HANDSHAKE_TIMEOUT_MS", defaults.HandshakeTimeout.TotalMilliseconds, m => m > 0 && m <= TimeSpan.FromHours(1).TotalMilliseconds, "a positive number of milliseconds up to 3600000", problems);
        if (problems.Count == 0 && TimeSpan.FromMilliseconds(marginMs) >= timeout)
            problems.Add($"TIERED_NODE_DEADLINE_MARGIN_MS ({marginMs} ms) must be shorter than the request timeout ({timeout}).");

        if (problems.Count > 0) throw new HostConfigurationException(problems);
        string? service = variable("K_SERVICE");
        string? revision = variable("K_REVISION");
        return new HostSettings
        {
            Port = port,
            ListenAddress = listen,
            FunctionName = string.IsNullOrWhiteSpace(service) ? "tiered-node" : service.Trim(),
            Revision = string.IsNullOrWhiteSpace(revision) ? null : revision.Trim(),
            MemoryMiB = memory,
            MemorySource = memorySource,
            RequestTimeout = timeout,
            RequiredBearer = string.IsNullOrEmpty(bearer) ? null : bearer,
            LogLevel = level,
            NodeOptions = defaults with
            {
                StorageFraction = fraction,
                DeadlineMargin = TimeSpan.FromMilliseconds(marginMs),
                HandshakeTimeout = TimeSpan.FromMilliseconds(handshakeMs),
            },
        };
    }

    /// <summary>A new random instance id (32 hex digits).</summary>
    public static string NewInstanceId() => Guid.NewGuid().ToString("N");

    /// <summary>The memory limit of this process's cgroup in MiB, or null when there is none (<c>max</c>, absurdly large, unreadable).</summary>
    internal static int? CgroupMemoryMiB(Func<string, string?> readFile)
    {
        foreach (var file in CgroupMemoryFiles)
        {
            string? text = readFile(file)?.Trim();
            if (string.IsNullOrEmpty(text)) continue;
            if (text == "max") return null;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) && bytes > 0 && bytes < 1L << 40)
                return (int)Math.Max(1, bytes / (1024 * 1024));
            return null;
        }
        return null;
    }

    /// <summary>Seconds (<c>3600</c>, <c>3600s</c>), minutes (<c>60m</c>), hours (<c>1h</c>) or a TimeSpan (<c>01:00:00</c>).</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        text = text.Trim();
        duration = default;
        if (text.Length == 0) return false;
        double scale = text[^1] switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => 0 };
        string number = scale == 0 ? text : text[..^1];
        if (scale == 0) scale = 1;
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && value < 1e9)
        {
            duration = TimeSpan.FromSeconds(value * scale);
            return true;
        }
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
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
        level = text.Trim().ToLowerInvariant() switch
        {
            "trace" => LogLevel.Trace,
            "debug" => LogLevel.Debug,
            "information" or "info" => LogLevel.Information,
            "warning" or "warn" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "critical" or "fatal" => LogLevel.Critical,
            _ => LogLevel.None,
        };
        return level != LogLevel.None;
    }

    private static string? ReadFileOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>The instance's environment variables are malformed; <see cref="Exception.Message"/> names each one.</summary>
public sealed class HostConfigurationException(IReadOnlyList<string> problems)
    : Exception("The function host's environment is not valid: " + string.Join(" ", problems))
{
    /// <summary>One sentence per bad variable.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
