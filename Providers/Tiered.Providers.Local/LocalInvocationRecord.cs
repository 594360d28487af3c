using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>One finished invocation, as the platform metered it (raised by <see cref="LocalFunctionPlatform.InvocationCompleted"/>).</summary>
/// <param name="InvocationId">The id the handler saw in its <see cref="FunctionContext"/>.</param>
/// <param name="Kind">Why it was invoked.</param>
/// <param name="AcceptedAt">When the platform accepted it (before any cold-start delay).</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Result">The result the caller got: instance, cold start, durations, memory, error.</param>
public sealed record LocalInvocationRecord(
    string InvocationId,
    InvocationKind Kind,
    DateTimeOffset AcceptedAt,
    DateTimeOffset EndedAt,
    InvocationResult Result)
{
    /// <summary>The function invoked.</summary>
    public string FunctionName => Result.FunctionName;

    /// <summary>Billed GB-seconds of this invocation.</summary>
    public double BilledGbSeconds => Result.BilledGbSeconds;
}

/// <summary>An instance went away (raised by <see cref="LocalFunctionPlatform.InstanceReclaimed"/>).</summary>
/// <param name="FunctionName">Its function.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Reason">Why.</param>
/// <param name="StateAtReclaim">What it was doing: a busy or starting instance's invocation fails.</param>
/// <param name="At">When.</param>
public sealed record LocalInstanceReclaim(
    string FunctionName,
    string InstanceId,
    LocalReclaimReason Reason,
    LocalInstanceState StateAtReclaim,
    DateTimeOffset At);
