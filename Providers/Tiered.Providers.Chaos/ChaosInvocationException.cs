namespace Tiered.Chaos;

/// <summary>
/// An invocation that <see cref="ChaosFunctionBackend"/> failed on purpose, as a platform error would (the service
/// refused or lost the request): the invocation never reached the platform, nothing ran and nothing was billed.
/// </summary>
public sealed class ChaosInvocationException : Exception
{
    /// <summary>Creates the exception for <paramref name="functionName"/>.</summary>
    public ChaosInvocationException(string functionName)
        : base($"Chaos: the invocation of function '{functionName}' failed (injected platform error).")
    {
        FunctionName = functionName;
    }

    /// <summary>Creates the exception with a message.</summary>
    public ChaosInvocationException(string functionName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        FunctionName = functionName;
    }

    /// <summary>The function whose invocation failed.</summary>
    public string FunctionName { get; }
}
