namespace Tiered.Functions;

/// <summary>
/// An invocation was refused because the function is already running as many instances as its concurrency
/// limit allows (AWS Lambda answers HTTP 429 <c>TooManyRequestsException</c>). Nothing ran and nothing was
/// billed; the caller may retry later.
/// </summary>
public sealed class FunctionThrottledException : Exception
{
    /// <summary>Creates the exception for <paramref name="functionName"/> at its <paramref name="concurrencyLimit"/>.</summary>
    public FunctionThrottledException(string functionName, int concurrencyLimit)
        : base($"Function '{functionName}' is throttled: all {concurrencyLimit} of its concurrent instances are busy.")
    {
        FunctionName = functionName;
        ConcurrencyLimit = concurrencyLimit;
    }

    /// <summary>Creates the exception with a platform's own message.</summary>
    public FunctionThrottledException(string functionName, int concurrencyLimit, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FunctionName = functionName;
        ConcurrencyLimit = concurrencyLimit;
    }

    /// <summary>The function that was throttled.</summary>
    public string FunctionName { get; }

    /// <summary>The concurrency limit it had reached (0 when the platform did not say).</summary>
    public int ConcurrencyLimit { get; }
}
