using Microsoft.Extensions.Logging;

namespace Tiered.LambdaEmulator;

/// <summary>The emulator's log messages (source-generated).</summary>
internal static partial class LambdaEmulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Lambda emulator listening on {Endpoint} ({FunctionCount} functions{AutoCreate})")]
    public static partial void Started(ILogger logger, Uri endpoint, int functionCount, string autoCreate);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Instance {InstanceId} of {FunctionName} started: pid {Pid}, Runtime API {RuntimeApi}")]
    public static partial void InstanceStarted(ILogger logger, string functionName, string instanceId, int pid, string runtimeApi);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Instance {InstanceId} of {FunctionName} (pid {Pid}) exited: {Reason}, exit code {ExitCode}, {Invocations} invocations")]
    public static partial void InstanceExited(ILogger logger, string functionName, string instanceId, int pid, LambdaInstanceExitReason reason, int? exitCode, long invocations);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Invocation of {FunctionName} throttled: {Concurrency} instances starting or busy")]
    public static partial void Throttled(ILogger logger, string functionName, int concurrency);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "{ReportLine}")]
    public static partial void InvocationEnded(ILogger logger, string reportLine);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Invocation {RequestId} of {FunctionName} on {InstanceId} failed: {ErrorType}")]
    public static partial void InvocationFailed(ILogger logger, string requestId, string functionName, string instanceId, string errorType);

    [LoggerMessage(EventId = 7, Level = LogLevel.Debug, Message = "[{InstanceId}] {Line}")]
    public static partial void Output(ILogger logger, string instanceId, string line);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Could not launch an instance of {FunctionName}")]
    public static partial void LaunchFailed(ILogger logger, string functionName, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Reclaiming instance {InstanceId} of {FunctionName} ({Reason}) while {State}")]
    public static partial void Reclaiming(ILogger logger, string functionName, string instanceId, LambdaInstanceExitReason reason, LambdaInstanceState state);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "A subscriber of {EventName} threw; the emulator ignores it")]
    public static partial void SubscriberFailed(ILogger logger, string eventName, Exception exception);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Function {FunctionName} created on first invocation")]
    public static partial void AutoCreated(ILogger logger, string functionName);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Lambda emulator disposed; {InstanceCount} instances killed")]
    public static partial void Disposed(ILogger logger, int instanceCount);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "Event invocation {RequestId} of {FunctionName} failed: {ErrorType}")]
    public static partial void EventFailed(ILogger logger, string requestId, string functionName, string errorType);
}
