namespace Tiered.Providers.Azure;

/// <summary>
/// An app refused or failed an invocation of a node function at the HTTP level (not the function: its own errors come back as
/// <see cref="Tiered.Functions.InvocationResult.Error"/>): a wrong key (401/403), no such function (404), a platform error (5xx).
/// The message names the function and its URL; it never contains the key.
/// </summary>
public sealed class AzureFunctionsException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AzureFunctionsException(string functionName, Uri functionUrl, int statusCode, string message, string? detail = null, Exception? innerException = null)
        : base(message, innerException)
    {
        FunctionName = functionName;
        FunctionUrl = functionUrl;
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>The pool name whose invocation failed.</summary>
    public string FunctionName { get; }

    /// <summary>The URL that was called.</summary>
    public Uri FunctionUrl { get; }

    /// <summary>The HTTP status code of the answer, e.g. 401.</summary>
    public int StatusCode { get; }

    /// <summary>The start of the answer's body, if it had one (Azure's error page or message).</summary>
    public string? Detail { get; }

    /// <summary>Whether the app refused the key (401) or the caller (403).</summary>
    public bool IsKeyRejected => StatusCode is 401 or 403;

    /// <summary>Whether the platform failed (5xx) rather than refusing the request (4xx).</summary>
    public bool IsServerError => StatusCode >= 500;
}
