using Microsoft.Extensions.Logging;

namespace Tiered.Providers.Gcp;

/// <summary>The backend's log messages (source-generated).</summary>
internal static partial class CloudRunLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Cloud Run backend: {FunctionCount} functions ({FirstUrl} …), {MemoryMiB} MiB, timeout {Timeout}, ID tokens from {CredentialSource}")]
    public static partial void Created(ILogger logger, int functionCount, Uri? firstUrl, int memoryMiB, TimeSpan timeout, string credentialSource);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Invocation of {FunctionName} got {StatusCode} (no instance available or rate limited: {Message}); retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingThrottle(ILogger logger, string functionName, int statusCode, string? message, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} failed with {StatusCode}: {Message}; retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingServerError(ILogger logger, string functionName, int statusCode, string? message, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Connecting to {Url} for {FunctionName} failed; retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingConnection(ILogger logger, string functionName, Uri url, int retry, int maxRetries, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} still refused with {StatusCode} after {Attempts} attempts ({Message})")]
    public static partial void Throttled(ILogger logger, string functionName, int statusCode, int attempts, string? message);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} failed: {StatusCode} {Message}")]
    public static partial void InvokeFailed(ILogger logger, string functionName, int statusCode, string? message);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{FunctionName} answered with a function error ({StatusCode}): {Error}")]
    public static partial void FunctionError(ILogger logger, string functionName, int statusCode, string error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} timed out after {HttpTimeout} (request timeout {Timeout})")]
    public static partial void TimedOut(ILogger logger, string functionName, TimeSpan httpTimeout, TimeSpan timeout);

    [LoggerMessage(EventId = 9, Level = LogLevel.Trace, Message = "Invocation of {FunctionName} on instance {InstanceId} ended after {Duration} (billed {BilledDuration}, cold start {ColdStart})")]
    public static partial void InvocationEnded(ILogger logger, string functionName, string instanceId, TimeSpan duration, TimeSpan billedDuration, bool coldStart);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} was refused with 401 for audience {Audience}; fetching a fresh ID token and retrying once")]
    public static partial void RetryingUnauthorized(ILogger logger, string functionName, string audience);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} refused: {StatusCode} for audience {Audience} (ID tokens from {CredentialSource})")]
    public static partial void Unauthorized(ILogger logger, string functionName, int statusCode, string audience, string credentialSource);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "No ID token for {FunctionName} (audience {Audience}): {Reason}")]
    public static partial void TokenFailed(ILogger logger, string functionName, string audience, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Refreshing the ID token for audience {Audience} failed; using the cached one until it expires at {ExpiresAt}: {Reason}")]
    public static partial void RefreshFailedUsingCached(ILogger logger, string audience, DateTimeOffset expiresAt, string reason);

    [LoggerMessage(EventId = 14, Level = LogLevel.Debug, Message = "Fetched an ID token for audience {Audience} from {CredentialSource}, valid until {ExpiresAt}")]
    public static partial void TokenFetched(ILogger logger, string audience, string credentialSource, DateTimeOffset expiresAt);
}
