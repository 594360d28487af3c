namespace Tiered.Providers.Gcp;

/// <summary>
/// Cloud Run refused or failed an invocation before the function could answer it (a platform error: the body is
/// Google's, not the node's), or kept failing after the retries. The function's own failures come back as
/// <see cref="Tiered.Functions.InvocationResult.Error"/> instead.
/// </summary>
public class CloudRunException : Exception
{
    /// <summary>Creates the exception; the message is built from the parts.</summary>
    public CloudRunException(string functionName, Uri url, int statusCode, string? responseMessage, string? traceId = null, Exception? innerException = null)
        : this(functionName, url, statusCode, responseMessage, traceId, FormatMessage(functionName, url, statusCode, responseMessage, traceId), innerException)
    {
    }

    /// <summary>Creates the exception with its own message.</summary>
    protected CloudRunException(string functionName, Uri url, int statusCode, string? responseMessage, string? traceId, string message, Exception? innerException)
        : base(message, innerException)
    {
        FunctionName = functionName;
        Url = url;
        StatusCode = statusCode;
        ResponseMessage = responseMessage;
        TraceId = traceId;
    }

    /// <summary>The function whose invocation failed.</summary>
    public string FunctionName { get; }

    /// <summary>The URL that was invoked.</summary>
    public Uri Url { get; }

    /// <summary>The HTTP status code of the answer, e.g. 404 or 500.</summary>
    public int StatusCode { get; }

    /// <summary>What the answer said (the JSON <c>error</c>/<c>message</c>, else the start of the body, tags removed), if anything.</summary>
    public string? ResponseMessage { get; }

    /// <summary>The trace id Google's front end gave the request (<c>X-Cloud-Trace-Context</c>), for Cloud Logging, if any.</summary>
    public string? TraceId { get; }

    /// <summary>Whether the platform failed (5xx) rather than refusing the request (4xx).</summary>
    public bool IsServerError => StatusCode >= 500;

    private static string FormatMessage(string functionName, Uri url, int statusCode, string? responseMessage, string? traceId) =>
        $"Cloud Run invocation of '{functionName}' ({url}) failed: {statusCode} {Describe(statusCode)}" +
        (string.IsNullOrWhiteSpace(responseMessage) ? "" : $": {responseMessage}") +
        (string.IsNullOrEmpty(traceId) ? "" : $" (trace {traceId})");

    internal static string Describe(int statusCode) => statusCode switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found (no such service or function at this URL — check the URL pattern, region and project)",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout (the request exceeded the service's request timeout)",
        _ => "HTTP " + statusCode,
    };
}

/// <summary>
/// Cloud Run did not accept the caller: 401 (the ID token is missing, expired, or minted for another audience) or 403
/// (the identity is not allowed to invoke the service: it needs <c>roles/run.invoker</c>). Names the audience the token was
/// minted for and where the token came from.
/// </summary>
public sealed class CloudRunAuthorizationException : CloudRunException
{
    /// <summary>Creates the exception; the message explains what to check.</summary>
    public CloudRunAuthorizationException(string functionName, Uri url, int statusCode, string? responseMessage, string audience, string credentialSource, string? traceId = null)
        : base(functionName, url, statusCode, responseMessage, traceId, FormatMessage(functionName, url, statusCode, responseMessage, audience, credentialSource), null)
    {
        Audience = audience;
        CredentialSource = credentialSource;
    }

    /// <summary>The audience the ID token was minted for.</summary>
    public string Audience { get; }

    /// <summary>Where the ID token came from (e.g. <c>metadata server (http://metadata.google.internal)</c>).</summary>
    public string CredentialSource { get; }

    private static string FormatMessage(string functionName, Uri url, int statusCode, string? responseMessage, string audience, string credentialSource)
    {
        string said = string.IsNullOrWhiteSpace(responseMessage) ? "" : $" ({responseMessage})";
        return statusCode == 401
            ? $"Cloud Run refused the invocation of '{functionName}' ({url}): 401 Unauthorized{said}. The ID token from {credentialSource} for audience " +
              $"'{audience}' was not accepted: the audience must be the service's URL (or one of its custom audiences; set Audience to override it), " +
              "and the token must be a Google-signed ID token that has not expired (an OAuth access token is not an ID token)."
            : $"Cloud Run refused the invocation of '{functionName}' ({url}): {statusCode} {Describe(statusCode)}{said}. The identity behind {credentialSource} " +
              $"(token audience '{audience}') may not invoke this service: grant it roles/run.invoker on the service " +
              "(gcloud run services add-iam-policy-binding SERVICE --member=serviceAccount:PROXY_SA --role=roles/run.invoker), " +
              "or for a Cloud Functions URL roles/cloudfunctions.invoker.";
    }
}

/// <summary>No ID token could be obtained (no credentials, a credential that cannot mint ID tokens, an unreachable metadata server). Nothing was sent.</summary>
public sealed class GcpCredentialsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GcpCredentialsException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}
