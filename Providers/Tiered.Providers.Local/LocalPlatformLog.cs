using Microsoft.Extensions.Logging;

namespace Tiered.Providers.Local;

/// <summary>The platform's log messages (source-generated).</summary>
internal static partial class LocalPlatformLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Local function platform started: {FunctionCount} functions, {MemoryMiB} MiB per instance, concurrency {MaxConcurrency}, cold start {ColdStartDelay}")]
    public static partial void Started(ILogger logger, int functionCount, int memoryMiB, int maxConcurrency, TimeSpan coldStartDelay);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Cold-starting instance {InstanceId} of {FunctionName}")]
    public static partial void ColdStart(ILogger logger, string functionName, string instanceId);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} throttled: all {ConcurrencyLimit} concurrent instances are busy")]
    public static partial void Throttled(ILogger logger, string functionName, int concurrencyLimit);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Instance {InstanceId} of {FunctionName} reclaimed ({Reason}) while {State}")]
    public static partial void Reclaimed(ILogger logger, string functionName, string instanceId, LocalReclaimReason reason, LocalInstanceState state);

    [LoggerMessage(EventId = 5, Level = LogLevel.Trace, Message = "Invocation {InvocationId} of {FunctionName} on {InstanceId} ended after {Duration} (billed {BilledDuration}, cold start {ColdStart})")]
    public static partial void InvocationEnded(ILogger logger, string invocationId, string functionName, string instanceId, TimeSpan duration, TimeSpan billedDuration, bool coldStart);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Invocation {InvocationId} of {FunctionName} on {InstanceId} failed: {Error}")]
    public static partial void InvocationFailed(ILogger logger, string invocationId, string functionName, string instanceId, string error);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Disposing the handler of instance {InstanceId} failed")]
    public static partial void HandlerDisposeFailed(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "A subscriber of {EventName} threw; the platform ignores it")]
    public static partial void SubscriberFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Local function platform disposed; {InstanceCount} instances dropped")]
    public static partial void Disposed(ILogger logger, int instanceCount);
}
