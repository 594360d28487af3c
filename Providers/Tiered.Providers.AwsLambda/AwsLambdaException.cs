namespace Tiered.Providers.AwsLambda;

/// <summary>
/// The Lambda service refused or failed an Invoke call (not the function: its errors come back as
/// <see cref="Tiered.Functions.InvocationResult.Error"/>). Carries AWS's error type, e.g. <c>ResourceNotFoundException</c>,
/// <c>AccessDeniedException</c>, <c>InvalidSignatureException</c>, <c>RequestTooLargeException</c>, <c>ServiceException</c>.
/// </summary>
public sealed class AwsLambdaException : Exception
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    public AwsLambdaException(string functionName, int statusCode, string errorType, string? awsMessage, string? requestId, Exception? innerException = null)
        : base(FormatMessage(functionName, statusCode, errorType, awsMessage, requestId), innerException)
    {
        FunctionName = functionName;
        StatusCode = statusCode;
        ErrorType = errorType;
        AwsMessage = awsMessage;
        RequestId = requestId;
    }

    /// <summary>The function whose invocation failed.</summary>
    public string FunctionName { get; }

    /// <summary>The HTTP status code of the answer, e.g. 404.</summary>
    public int StatusCode { get; }

    /// <summary>AWS's error type (from <c>x-amzn-ErrorType</c> or the body's <c>__type</c>), e.g. <c>ResourceNotFoundException</c>; <c>HTTP {status}</c> when AWS did not say.</summary>
    public string ErrorType { get; }

    /// <summary>AWS's message, if any.</summary>
    public string? AwsMessage { get; }

    /// <summary>The request id (<c>x-amzn-RequestId</c>), for AWS support and CloudTrail.</summary>
    public string? RequestId { get; }

    /// <summary>Whether the service failed (5xx) rather than refusing the request (4xx).</summary>
    public bool IsServerError => StatusCode >= 500;

    private static string FormatMessage(string functionName, int statusCode, string errorType, string? awsMessage, string? requestId) =>
        $"Lambda Invoke of '{functionName}' failed: {statusCode} {errorType}" +
        (string.IsNullOrWhiteSpace(awsMessage) ? "" : $": {awsMessage}") +
        (string.IsNullOrEmpty(requestId) ? "" : $" (request id {requestId})");
}
