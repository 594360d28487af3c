using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Tiered.Nodes;

namespace Tiered.Functions.Azure;

/// <summary>
/// The settings of one worker process: what Azure Functions tells it (app settings and platform variables), the host.json it
/// was deployed with, and the optional <c>TIERED_NODE_*</c> tuning of the node.
/// </summary>
public sealed record NodeWorkerSettings
{
    /// <summary>The longest an HTTP-triggered function can take to answer: Azure's load balancer ends the request after 230 s.</summary>
    public static TimeSpan MaxHttpFunctionTimeout { get; } = TimeSpan.FromSeconds(230);

    /// <summary>
    /// The share of memory given to chunks unless <c>TIERED_NODE_STORAGE_FRACTION</c> says otherwise: 0.6, lower than on Lambda
    /// (0.8) because the Functions host process runs in the same instance memory as the worker.
    /// </summary>
    public const double DefaultStorageFraction = 0.6;

    /// <summary>
    /// How long before its deadline a node says goodbye unless <c>TIERED_NODE_DEADLINE_MARGIN_MS</c> says otherwise: 15 s, more
    /// than on Lambda (2 s), because the load balancer's 230 s run from the request's arrival, and a cold start delays the
    /// invocation's own start (from which the deadline is counted) by several seconds.
    /// </summary>
    public static TimeSpan DefaultDeadlineMargin { get; } = TimeSpan.FromSeconds(15);

    /// <summary>The memory assumed when neither a setting, the platform nor the cgroup says (MB).</summary>
    public const int DefaultMemoryMiB = 1536;

    /// <summary>A random id of this process (the memory of an instance lives as long as its worker process).</summary>
    internal static readonly string ProcessId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    /// <summary>The function app (<c>WEBSITE_SITE_NAME</c>; <c>node</c> when unset, e.g. under <c>func start</c> without it).</summary>
    public string FunctionName { get; init; } = "node";

    /// <summary>
    /// This instance's id as the node reports it: <c>WEBSITE_INSTANCE_ID</c> (the instance the app runs on) followed by a random
    /// id of this worker process — the host restarts a worker (after a crash or a timeout) on the same instance, and the chunks go
    /// with the process, so the proxy must see a new instance then — or <c>local-{random}</c> when the platform does not say.
    /// </summary>
    public required string InstanceId { get; init; }

    /// <summary>The instance's memory in MB: <c>TIERED_NODE_MEMORY_MIB</c>, else <c>WEBSITE_MEMORY_LIMIT_MB</c>, else the cgroup's limit, else 1536.</summary>
    public required int MemoryMiB { get; init; }

    /// <summary>Where <see cref="MemoryMiB"/> came from (a variable name, <c>cgroup</c> or <c>default</c>).</summary>
    public string MemorySource { get; init; } = "default";

    /// <summary>
    /// How long an invocation may run (its deadline from when it starts): host.json's <c>functionTimeout</c> (or the app setting
    /// <c>AzureFunctionsJobHost__functionTimeout</c> that overrides it), capped at 230 s; 230 s when neither says.
    /// </summary>
    public required TimeSpan FunctionTimeout { get; init; }

    /// <summary>Where <see cref="FunctionTimeout"/> came from.</summary>
    public string FunctionTimeoutSource { get; init; } = "default";

    /// <summary>How the node uses the instance (<c>TIERED_NODE_STORAGE_FRACTION</c>, <c>TIERED_NODE_DEADLINE_MARGIN_MS</c>, <c>TIERED_NODE_HANDSHAKE_TIMEOUT_MS</c>).</summary>
    public FunctionNodeOptions NodeOptions { get; init; } = new() { StorageFraction = DefaultStorageFraction, DeadlineMargin = DefaultDeadlineMargin };

    /// <summary>The memory in bytes.</summary>
    public long MemoryBytes => MemoryMiB * 1024L * 1024L;

    /// <summary>Reads this process's environment and the host.json next to the worker.</summary>
    /// <exception cref="NodeWorkerConfigurationException">A setting is malformed (the message names every one).</exception>
    public static NodeWorkerSettings FromProcess() =>
        FromVariables(Environment.GetEnvironmentVariable, Path.Combine(AppContext.BaseDirectory, "host.json"));

    /// <summary>Reads the settings from <paramref name="variable"/> (a lookup of environment variables) and the host.json at <paramref name="hostJsonPath"/>.</summary>
    /// <param name="variable">The environment.</param>
    /// <param name="hostJsonPath">The app's host.json, or null to ignore it.</param>
    /// <param name="readFile">Reads a file's text, or null when it is not there (the cgroup memory limit; tests pass their own).</param>
    /// <exception cref="NodeWorkerConfigurationException">A setting is malformed (the message names every one).</exception>
    public static NodeWorkerSettings FromVariables(Func<string, string?> variable, string? hostJsonPath = null, Func<string, string?>? readFile = null)
    {
        ArgumentNullException.ThrowIfNull(variable);
        readFile ??= ReadFileOrNull;
        var problems = new List<string>();

        var (memory, memorySource) = ReadMemory(variable, readFile, problems);
        var (timeout, timeoutSource) = ReadTimeout(variable, hostJsonPath, readFile, problems);

        var defaults = new FunctionNodeOptions();
        double fraction = Number(variable, "TIERED_NODE_STORAGE_FRACTION", DefaultStorageFraction, f => f is > 0 and <= 1, "a number in (0, 1]", problems);
        double marginMs = Number(variable, "TIERED_NODE_DEADLINE_MARGIN_MS", DefaultDeadlineMargin.TotalMilliseconds, m => m >= 0 && m < MaxHttpFunctionTimeout.TotalMilliseconds, "a number of milliseconds from 0 to 229999", problems);
        double handshakeMs = Number(variable, "TIERED_NODE_HANDSHAKE_TIMEOUT_MS", defaults.HandshakeTimeout.TotalMilliseconds, m => m > 0 && m <= MaxHttpFunctionTimeout.TotalMilliseconds, "a positive number of milliseconds up to 230000", problems);

        if (problems.Count > 0) throw new NodeWorkerConfigurationException(problems);

        string? site = variable("WEBSITE_SITE_NAME");
        string? instance = variable("WEBSITE_INSTANCE_ID");
        return new NodeWorkerSettings
        {
            FunctionName = string.IsNullOrWhiteSpace(site) ? "node" : site.Trim(),
            InstanceId = string.IsNullOrWhiteSpace(instance) ? "local-" + Guid.NewGuid().ToString("N") : $"{instance.Trim()}-{ProcessId}",
            MemoryMiB = memory,
            MemorySource = memorySource,
            FunctionTimeout = timeout,
            FunctionTimeoutSource = timeoutSource,
            NodeOptions = defaults with
            {
                StorageFraction = fraction,
                DeadlineMargin = TimeSpan.FromMilliseconds(marginMs),
                HandshakeTimeout = TimeSpan.FromMilliseconds(handshakeMs),
            },
        };
    }

    private static (int MiB, string Source) ReadMemory(Func<string, string?> variable, Func<string, string?> readFile, List<string> problems)
    {
        foreach (string key in (string[])["TIERED_NODE_MEMORY_MIB", "WEBSITE_MEMORY_LIMIT_MB"])
        {
            string? text = variable(key);
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int mib) && mib > 0) return (mib, key);
            problems.Add($"{key} '{text}' is not a positive number of MB.");
            return (DefaultMemoryMiB, key);
        }
        // cgroup v2, then v1: the container's limit ("max" or a huge number when there is none).
        foreach (string file in (string[])["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"])
        {
            string? text = readFile(file)?.Trim();
            if (text is not null && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long bytes) && bytes is > 0 and < 1L << 50)
                return ((int)Math.Max(1, bytes / (1024 * 1024)), "cgroup");
        }
        return (DefaultMemoryMiB, "default");
    }

    private static (TimeSpan Timeout, string Source) ReadTimeout(Func<string, string?> variable, string? hostJsonPath, Func<string, string?> readFile, List<string> problems)
    {
        const string overrideKey = "AzureFunctionsJobHost__functionTimeout";
        string? text = variable(overrideKey), source = overrideKey;
        if (string.IsNullOrWhiteSpace(text) && hostJsonPath is not null && readFile(hostJsonPath) is { } json)
        {
            source = "host.json";
            try
            {
                using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                text = document.RootElement.ValueKind == JsonValueKind.Object
                    && document.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals("functionTimeout", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } property
                    ? property.Value.GetString()
                    : null;
            }
            catch (JsonException e)
            {
                problems.Add($"{hostJsonPath} is not valid JSON: {e.Message}");
                return (MaxHttpFunctionTimeout, source);
            }
        }
        if (string.IsNullOrWhiteSpace(text)) return (MaxHttpFunctionTimeout, "default");
        text = text.Trim();
        if (text == "-1") return (MaxHttpFunctionTimeout, source);   // unbounded: HTTP still ends at 230 s
        if (!TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var timeout) || timeout <= TimeSpan.Zero)
        {
            problems.Add($"{(source == "host.json" ? "host.json functionTimeout" : overrideKey)} '{text}' is not a positive time span (hh:mm:ss) or -1.");
            return (MaxHttpFunctionTimeout, source);
        }
        return (timeout < MaxHttpFunctionTimeout ? timeout : MaxHttpFunctionTimeout, source);
    }

    private static double Number(Func<string, string?> variable, string key, double fallback, Func<double, bool> valid, string expected, List<string> problems)
    {
        string? text = variable(key);
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value) && valid(value)) return value;
        problems.Add($"{key} '{text}' is not {expected}.");
        return fallback;
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

/// <summary>The worker's settings are malformed; <see cref="Exception.Message"/> names each one.</summary>
public sealed class NodeWorkerConfigurationException(IReadOnlyList<string> problems)
    : Exception("The Tiered node worker's settings are not valid: " + string.Join(" ", problems))
{
    /// <summary>One sentence per bad setting.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}
