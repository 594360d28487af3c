using Microsoft.Extensions.Logging;

namespace Tiered.Providers.AwsLambda;

/// <summary>The backend's log messages (source-generated).</summary>
internal static partial class AwsLambdaLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "AWS Lambda backend: {FunctionCount} functions at {Endpoint} ({Region}, qualifier {Qualifier}), {MemoryMiB} MiB, timeout {Timeout}, credentials from {CredentialSource}")]
    public static partial void Created(ILogger logger, int functionCount, Uri endpoint, string region, string qualifier, int memoryMiB, TimeSpan timeout, string credentialSource);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Invocation of {FunctionName} throttled ({ErrorType}: {AwsMessage}); retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingThrottle(ILogger logger, string functionName, string errorType, string? awsMessage, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} failed with {StatusCode} {ErrorType}; retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingServerError(ILogger logger, string functionName, int statusCode, string errorType, int retry, int maxRetries, TimeSpan delay);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Connecting to the Lambda endpoint for {FunctionName} failed; retry {Retry} of {MaxRetries} in {Delay}")]
    public static partial void RetryingConnection(ILogger logger, string functionName, int retry, int maxRetries, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} still throttled after {Attempts} attempts ({ErrorType}: {AwsMessage})")]
    public static partial void Throttled(ILogger logger, string functionName, int attempts, string errorType, string? awsMessage);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} failed: {StatusCode} {ErrorType}: {AwsMessage} (request id {RequestId})")]
    public static partial void InvokeFailed(ILogger logger, string functionName, int statusCode, string errorType, string? awsMessage, string? requestId);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "{FunctionName} returned a function error ({Kind}): {Error}")]
    public static partial void FunctionError(ILogger logger, string functionName, string kind, string error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} timed out after {HttpTimeout} (function timeout {Timeout})")]
    public static partial void TimedOut(ILogger logger, string functionName, TimeSpan httpTimeout, TimeSpan timeout);

    [LoggerMessage(EventId = 9, Level = LogLevel.Trace, Message = "Invocation of {FunctionName} ({RequestId}) ended after {Duration} (billed {BilledDuration}, cold start {ColdStart})")]
    public static partial void InvocationEnded(ILogger logger, string functionName, string requestId, TimeSpan duration, TimeSpan billedDuration, bool coldStart);
}
