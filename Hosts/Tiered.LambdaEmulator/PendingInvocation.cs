using System.Diagnostics;

namespace Tiered.LambdaEmulator;

/// <summary>One accepted invocation, from the Invoke call to its outcome.</summary>
internal sealed class PendingInvocation(string requestId, EmulatedFunction function, byte[] payload, LambdaInvocationType type,
    string invokedArn, string? clientContext, DateTimeOffset acceptedAt)
{
    private int _completed;

    public string RequestId { get; } = requestId;
    public EmulatedFunction Function { get; } = function;
    public byte[] Payload { get; } = payload;
    public LambdaInvocationType Type { get; } = type;
    public string InvokedArn { get; } = invokedArn;
    public string? ClientContext { get; } = clientContext;
    public DateTimeOffset AcceptedAt { get; } = acceptedAt;
    public string TraceId { get; } = NewTraceId();
    public InvocationLog Log { get; } = new();

    public TaskCompletionSource<InvocationResponse> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Set while routing (under the emulator's lock).
    public EmulatedInstance? Instance { get; set; }
    public bool ColdStart { get; set; }

    // Set when the runtime takes it (GET next).
    public long DeliveredTimestamp { get; set; }
    public bool Delivered => DeliveredTimestamp != 0;
    public ITimer? DeadlineTimer { get; set; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>True for the one caller that gets to complete it.</summary>
    public bool TryMarkCompleted() => Interlocked.Exchange(ref _completed, 1) == 0;

    public TimeSpan Elapsed => Delivered ? Stopwatch.GetElapsedTime(DeliveredTimestamp) : TimeSpan.Zero;

    private static string NewTraceId()
    {
        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return $"Root=1-{seconds:x8}-{Guid.NewGuid().ToString("N")[..24]};Parent={Random.Shared.NextInt64():x16};Sampled=0";
    }
}

/// <summary>How an invocation ended, as the Invoke API reports it.</summary>
/// <param name="Body">The function's result, or the error document.</param>
/// <param name="ErrorType">Null on success.</param>
/// <param name="Status">The REPORT line's status for platform failures (<c>timeout</c>, <c>error</c>), else null.</param>
internal sealed record InvocationOutcome(byte[] Body, string? ErrorType, string? Status)
{
    public bool IsError => ErrorType is not null;
    public bool TimedOut => Status == "timeout";
}

/// <summary>What the Invoke API answers for a finished invocation.</summary>
internal sealed record InvocationResponse(InvocationOutcome Outcome, LambdaInvocationRecord Record, string ReportLine, InvocationLog Log);
