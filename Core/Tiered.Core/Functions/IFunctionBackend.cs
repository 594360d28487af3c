namespace Tiered.Functions;

/// <summary>
/// A serverless platform that runs the node function: it starts (invokes) a function, which lands on a
/// warm instance or cold-starts a new one. Nodes never accept connections; an invoked instance dials back
/// to the proxy named in its payload.
/// </summary>
public interface IFunctionBackend
{
    /// <summary>The platform, e.g. <c>local</c>, <c>aws-lambda</c>.</summary>
    string Name { get; }

    /// <summary>Memory, timeout and concurrency of every function in the pool.</summary>
    FunctionLimits Limits { get; }

    /// <summary>The functions this backend can invoke (the node pool), in a stable order.</summary>
    IReadOnlyList<string> Functions { get; }

    /// <summary>
    /// Invokes <see cref="FunctionInvocation.FunctionName"/> with its payload. The task completes when the
    /// invocation has ended (the function returned, failed, or hit its timeout); callers that only need the
    /// instance to dial back do not await it.
    /// </summary>
    Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default);
}
