using Microsoft.Extensions.Logging;

namespace Tiered.Providers.Azure;

/// <summary>The backend's log messages (source-generated). Keys are never logged.</summary>
internal static partial class AzureFunctionsLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Azure Functions backend: {FunctionCount} functions ({Layout}; first {FirstUrl}), {Plan} {MemoryMiB} MB, timeout {Timeout}, keys from {KeySource}")]
    public static partial void Created(ILogger logger, int functionCount, string layout, Uri firstUrl, AzureFunctionsPlan plan, int memoryMiB, TimeSpan timeout, string keySource);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Invocation of {FunctionName} throttled ({StatusCode}: {Detail}); retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingThrottle(ILogger logger, string functionName, int statusCode, string? detail, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} failed with {StatusCode} ({Detail}); retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingServerError(ILogger logger, string functionName, int statusCode, string? detail, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Connecting to {FunctionUrl} for {FunctionName} failed; retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingConnection(ILogger logger, string functionName, Uri functionUrl, int retry, int maxRetries, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} still throttled after {Attempts} attempts ({StatusCode})")]
    public static partial void Throttled(ILogger logger, string functionName, int attempts, int statusCode);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} at {FunctionUrl} failed: {StatusCode} {Detail}")]
    public static partial void InvokeFailed(ILogger logger, string functionName, Uri functionUrl, int statusCode, string? detail);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{FunctionName} returned a function error ({StatusCode}): {Error}")]
    public static partial void FunctionError(ILogger logger, string functionName, int statusCode, string error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} at {FunctionUrl} timed out after {HttpTimeout} (function timeout {Timeout})")]
    public static partial void TimedOut(ILogger logger, string functionName, Uri functionUrl, TimeSpan httpTimeout, TimeSpan timeout);

    [LoggerMessage(EventId = 9, Level = LogLevel.Trace, Message = "Invocation of {FunctionName} ({InvocationId}) ended after {Duration} (billed {BilledDuration}, cold start {ColdStart})")]
    public static partial void InvocationEnded(ILogger logger, string functionName, string invocationId, TimeSpan duration, TimeSpan billedDuration, bool coldStart);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "{FunctionName} refused its function key (401); reading the key again from {KeySource}")]
    public static partial void RefreshingKey(ILogger logger, string functionName, string keySource);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "No function key for {FunctionName}: {Reason}")]
    public static partial void KeyUnavailable(ILogger logger, string functionName, string reason);
}
