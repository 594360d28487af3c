namespace Tiered.Functions;

/// <summary>Why the proxy invokes a node function; platforms meter each kind separately for the cost model.</summary>
public enum InvocationKind
{
    /// <summary>Activate a node to serve chunk requests.</summary>
    Serve,
    /// <summary>Keep an idle instance from being reclaimed.</summary>
    WarmUp,
    /// <summary>Start a delta-sync backup to a peer instance.</summary>
    Backup,
}

/// <summary>One invocation of a function with an opaque payload (for nodes, a serialized <c>NodeInvocation</c>).</summary>
public sealed record FunctionInvocation(string FunctionName, ReadOnlyMemory<byte> Payload, InvocationKind Kind = InvocationKind.Serve);

/// <summary>How an invocation went and what it cost.</summary>
/// <param name="FunctionName">The function invoked.</param>
/// <param name="InstanceId">The instance that ran it (stable while the instance lives).</param>
/// <param name="ColdStart">Whether a new instance had to be started.</param>
/// <param name="Duration">Wall time of the invocation.</param>
/// <param name="BilledDuration">Duration rounded up to the platform's billing granularity.</param>
/// <param name="MemoryBytes">Configured memory of the instance.</param>
/// <param name="Response">What the function returned.</param>
/// <param name="Error">Null on success, otherwise what went wrong.</param>
public sealed record InvocationResult(
    string FunctionName,
    string InstanceId,
    bool ColdStart,
    TimeSpan Duration,
    TimeSpan BilledDuration,
    long MemoryBytes,
    ReadOnlyMemory<byte> Response,
    string? Error)
{
    public bool Succeeded => Error is null;

    /// <summary>Billed GB-seconds (memory in GiB × billed seconds), as AWS Lambda prices it.</summary>
    public double BilledGbSeconds => MemoryBytes / (1024.0 * 1024 * 1024) * BilledDuration.TotalSeconds;
}
