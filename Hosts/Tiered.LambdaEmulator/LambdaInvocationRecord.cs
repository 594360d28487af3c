namespace Tiered.LambdaEmulator;

/// <summary>How an invocation was made (<c>X-Amz-Invocation-Type</c>).</summary>
public enum LambdaInvocationType
{
    /// <summary>Synchronous: the caller waits for the result.</summary>
    RequestResponse,
    /// <summary>Asynchronous: the caller gets 202 at once and the emulator runs it in the background.</summary>
    Event,
}

/// <summary>One finished invocation, as the emulator metered it (<see cref="LambdaEmulator.InvocationCompleted"/>).</summary>
/// <param name="RequestId">Lambda's request id (<c>x-amzn-RequestId</c>, <c>Lambda-Runtime-Aws-Request-Id</c>).</param>
/// <param name="FunctionName">The function.</param>
/// <param name="InstanceId">The execution environment that ran it.</param>
/// <param name="Type">Synchronous or asynchronous.</param>
/// <param name="ColdStart">Whether a new execution environment was started for it.</param>
/// <param name="AcceptedAt">When the Invoke call was accepted.</param>
/// <param name="EndedAt">When it ended.</param>
/// <param name="Duration">From handing it to the runtime to its response (the full timeout when it timed out; zero if it never reached the runtime).</param>
/// <param name="BilledDuration">Duration rounded up to 1 ms (at least 1 ms once it ran; zero if it never reached the runtime). Init is not billed.</param>
/// <param name="InitDuration">The cold start's init phase (process start to the first <c>next</c>), for cold starts.</param>
/// <param name="MemoryMiB">The function's configured memory.</param>
/// <param name="MaxMemoryUsedMiB">Peak resident memory of the process so far (Linux VmHWM), 0 when unknown.</param>
/// <param name="ErrorType">Null on success; otherwise the error type (the runtime's, or <c>Sandbox.Timedout</c>, <c>Runtime.ExitError</c>, <c>Runtime.InitError</c>, …).</param>
public sealed record LambdaInvocationRecord(
    string RequestId,
    string FunctionName,
    string InstanceId,
    LambdaInvocationType Type,
    bool ColdStart,
    DateTimeOffset AcceptedAt,
    DateTimeOffset EndedAt,
    TimeSpan Duration,
    TimeSpan BilledDuration,
    TimeSpan? InitDuration,
    int MemoryMiB,
    int MaxMemoryUsedMiB,
    string? ErrorType)
{
    /// <summary>Whether the function returned a result.</summary>
    public bool Succeeded => ErrorType is null;

    /// <summary>Billed GB-seconds (memory in GiB × billed seconds), as Lambda prices it.</summary>
    public double BilledGbSeconds => MemoryMiB / 1024.0 * BilledDuration.TotalSeconds;
}

/// <summary>What a <see cref="LambdaEmulator"/> has metered since it started.</summary>
/// <param name="Invocations">Invocations that were routed to an instance (succeeded or failed); throttled ones are not included.</param>
/// <param name="Failed">Invocations that ended with a function error, timeout, crash or init failure.</param>
/// <param name="TimedOut">Invocations stopped at their deadline.</param>
/// <param name="Throttled">Invocations refused with 429 at the concurrency limit.</param>
/// <param name="ColdStarts">Invocations that started a new execution environment.</param>
/// <param name="BilledDuration">The sum of billed durations.</param>
/// <param name="BilledGbSeconds">The sum of billed GB-seconds.</param>
/// <param name="Exits">Execution environments gone, by reason (every reason present).</param>
public sealed record LambdaEmulatorUsage(
    long Invocations,
    long Failed,
    long TimedOut,
    long Throttled,
    long ColdStarts,
    TimeSpan BilledDuration,
    double BilledGbSeconds,
    IReadOnlyDictionary<LambdaInstanceExitReason, long> Exits);

/// <summary>The counters behind <see cref="LambdaEmulatorUsage"/>.</summary>
internal sealed class UsageAccumulator
{
    private readonly Lock _gate = new();
    private readonly Dictionary<LambdaInstanceExitReason, long> _exits = Enum.GetValues<LambdaInstanceExitReason>().ToDictionary(r => r, _ => 0L);
    private long _invocations, _failed, _timedOut, _throttled, _coldStarts, _billedTicks;
    private double _gbSeconds;

    public void Invocation(LambdaInvocationRecord record, bool timedOut)
    {
        lock (_gate)
        {
            _invocations++;
            if (!record.Succeeded) _failed++;
            if (timedOut) _timedOut++;
            if (record.ColdStart) _coldStarts++;
            _billedTicks += record.BilledDuration.Ticks;
            _gbSeconds += record.BilledGbSeconds;
        }
    }

    public void Throttle()
    {
        lock (_gate) _throttled++;
    }

    public void Exit(LambdaInstanceExitReason reason)
    {
        lock (_gate) _exits[reason]++;
    }

    public LambdaEmulatorUsage Snapshot()
    {
        lock (_gate)
            return new LambdaEmulatorUsage(_invocations, _failed, _timedOut, _throttled, _coldStarts, TimeSpan.FromTicks(_billedTicks), _gbSeconds,
                new Dictionary<LambdaInstanceExitReason, long>(_exits));
    }
}
