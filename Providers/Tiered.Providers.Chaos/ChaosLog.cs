using Microsoft.Extensions.Logging;

namespace Tiered.Chaos;

/// <summary>The chaos log messages (source-generated). Every injected fault is logged: chaos that cannot be seen in the log cannot be told from a bug.</summary>
internal static partial class ChaosLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Chaos reclaimer started: {RatePerHour} per hour, every {Every}, {ScheduledCount} scheduled, {Scope}")]
    public static partial void ReclaimerStarted(ILogger logger, double ratePerHour, TimeSpan? every, int scheduledCount, string scope);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Chaos: reclaimed instance {InstanceId} of {FunctionName} ({Trigger})")]
    public static partial void Reclaimed(ILogger logger, string functionName, string instanceId, ChaosTrigger trigger);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Chaos: a {Trigger} reclaim found no eligible instance")]
    public static partial void NothingToReclaim(ILogger logger, ChaosTrigger trigger);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Chaos: failing the invocation of {FunctionName}")]
    public static partial void InvocationFailed(ILogger logger, string functionName);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Chaos: delaying the invocation of {FunctionName} by {Latency}")]
    public static partial void InvocationDelayed(ILogger logger, string functionName, TimeSpan latency);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Chaos: faults of {FunctionName} are now {Faults}")]
    public static partial void FaultsChanged(ILogger logger, string functionName, FunctionFaults faults);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Chaos: all faults cleared")]
    public static partial void FaultsCleared(ILogger logger);

    [LoggerMessage(EventId = 8, Level = LogLevel.Debug, Message = "Chaos relay {Relay} listening on {EndPoint}, forwarding to {Upstream}")]
    public static partial void RelayStarted(ILogger logger, string relay, string endPoint, string upstream);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Chaos relay {Relay}: dropped a connection from {Remote}")]
    public static partial void Dropped(ILogger logger, string relay, string? remote);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Chaos relay {Relay}: stalling a connection for {Duration}")]
    public static partial void Stalled(ILogger logger, string relay, TimeSpan duration);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Chaos relay {Relay}: cut {Count} live connections")]
    public static partial void Cut(ILogger logger, string relay, int count);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Chaos relay {Relay} could not reach its upstream {Upstream}: {Reason}")]
    public static partial void UpstreamFailed(ILogger logger, string relay, string upstream, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "Chaos relay {Relay} stopped ({Accepted} connections relayed in its life)")]
    public static partial void RelayStopped(ILogger logger, string relay, long accepted);

    [LoggerMessage(EventId = 14, Level = LogLevel.Information, Message = "Chaos: corrupted {Bytes} bytes of chunk {Index} of '{Key}' v{Version} on {InstanceId} ({Trigger})")]
    public static partial void Corrupted(ILogger logger, string key, long version, int index, string instanceId, int bytes, ChaosTrigger trigger);

    [LoggerMessage(EventId = 15, Level = LogLevel.Debug, Message = "Chaos: a {Trigger} corruption found no chunk to corrupt")]
    public static partial void NothingToCorrupt(ILogger logger, ChaosTrigger trigger);

    [LoggerMessage(EventId = 16, Level = LogLevel.Debug, Message = "Chaos: instance {InstanceId} of {FunctionName} is slow to start ({Delay})")]
    public static partial void SlowStart(ILogger logger, string functionName, string instanceId, TimeSpan delay);

    [LoggerMessage(EventId = 17, Level = LogLevel.Error, Message = "A subscriber of {EventName} threw; chaos ignores it")]
    public static partial void SubscriberFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 18, Level = LogLevel.Information, Message = "Chaos corrupter started: {RatePerHour} per hour, {Scope}")]
    public static partial void CorrupterStarted(ILogger logger, double ratePerHour, string scope);

    [LoggerMessage(EventId = 19, Level = LogLevel.Information, Message = "Chaos: {FunctionName} is a straggler ({BytesPerSecond} bytes/s each way)")]
    public static partial void Straggler(ILogger logger, string functionName, long bytesPerSecond);
}
