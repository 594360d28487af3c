namespace Tiered.Providers.Azure;

/// <summary>The HTTP headers between the backend and the node function (the worker in <c>Hosts/Tiered.Functions.Azure</c> uses the same names).</summary>
public static class AzureFunctionsHeaders
{
    /// <summary>The function key header Azure Functions checks for <c>AuthorizationLevel.Function</c>.</summary>
    public const string FunctionKey = "x-functions-key";

    /// <summary>
    /// Set by the node function when it failed (its value is the error type, e.g. <c>ArgumentException</c>; the body is
    /// <c>{"errorType","errorMessage"}</c>): the invocation reached the function, so it is a result with an error, not a platform failure.
    /// </summary>
    public const string FunctionError = "X-Tiered-Function-Error";

    /// <summary>Set to <c>true</c> by the node function on the first invocation its worker process served (a cold start).</summary>
    public const string ColdStart = "X-Tiered-Cold-Start";

    /// <summary>The instance that answered, set by the node function on every answer (the body's <c>instanceId</c> is read first).</summary>
    public const string Instance = "X-Tiered-Instance";

    /// <summary>The invocation id the Functions host gave the execution (set by the worker, for logs).</summary>
    public const string InvocationId = "X-Tiered-Invocation-Id";
}
