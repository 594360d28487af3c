namespace Tiered.Providers.AwsLambda;

/// <summary>Lambda accepted an asynchronous (<c>Event</c>) invocation: it is queued and will run later; nothing about the run comes back.</summary>
/// <param name="FunctionName">The function invoked.</param>
/// <param name="StatusCode">The HTTP status (202 Accepted).</param>
/// <param name="RequestId">Lambda's request id (<c>x-amzn-RequestId</c>), or empty.</param>
public sealed record AwsLambdaEventResult(string FunctionName, int StatusCode, string RequestId);
