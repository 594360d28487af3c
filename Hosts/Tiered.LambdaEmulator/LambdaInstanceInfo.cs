namespace Tiered.LambdaEmulator;

/// <summary>What an emulated execution environment is doing.</summary>
public enum LambdaInstanceState
{
    /// <summary>Its process has been launched and has not asked for its first invocation yet (the init phase); it holds a concurrency slot.</summary>
    Starting,
    /// <summary>Warm and idle: its process waits on <c>/runtime/invocation/next</c> and keeps its memory.</summary>
    Idle,
    /// <summary>Running an invocation (an instance runs one at a time).</summary>
    Busy,
}

/// <summary>Why an execution environment (and the memory of its process) went away.</summary>
public enum LambdaInstanceExitReason
{
    /// <summary>The process ended by itself (it crashed, exited, or was signalled from outside).</summary>
    Exited,
    /// <summary>Fault injection: <c>Reclaim…</c>, the admin endpoint, or <see cref="LambdaEmulatorOptions.ReclaimRatePerMinute"/>.</summary>
    Reclaimed,
    /// <summary>It stayed idle for <see cref="LambdaEmulatorOptions.IdleLifetime"/>.</summary>
    IdleExpired,
    /// <summary>An invocation on it passed its deadline; like Lambda, the environment is reset (the process is killed).</summary>
    Timeout,
    /// <summary>The runtime reported <c>/runtime/init/error</c>, did not ask for an invocation within the init timeout, or could not be launched.</summary>
    InitFailed,
    /// <summary>The emulator was disposed.</summary>
    EmulatorDisposed,
}

/// <summary>A snapshot of one emulated execution environment (a child process).</summary>
/// <param name="FunctionName">Its function.</param>
/// <param name="InstanceId">Its id, also its <c>AWS_LAMBDA_LOG_STREAM_NAME</c> (e.g. <c>2026/01/01/[$LATEST]0f1e…</c>); never reused.</param>
/// <param name="Pid">The process id (0 while the process is being launched).</param>
/// <param name="State">What it was doing when the snapshot was taken.</param>
/// <param name="Invocations">Invocations routed to it so far.</param>
/// <param name="StartedAt">When it was created (its cold start began).</param>
/// <param name="LastUsedAt">When its last invocation ended; null before that.</param>
/// <param name="RuntimeApi">Its Runtime API address (<c>AWS_LAMBDA_RUNTIME_API</c>, <c>127.0.0.1:port</c>); empty while launching.</param>
/// <param name="InitDuration">How long its init phase took (process start to the first <c>next</c>); null until then.</param>
public sealed record LambdaInstanceInfo(
    string FunctionName,
    string InstanceId,
    int Pid,
    LambdaInstanceState State,
    long Invocations,
    DateTimeOffset StartedAt,
    DateTimeOffset? LastUsedAt,
    string RuntimeApi,
    TimeSpan? InitDuration);

/// <summary>An execution environment went away (<see cref="LambdaEmulator.InstanceExited"/>): its process has exited and been reaped.</summary>
/// <param name="FunctionName">Its function.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Pid">Its process id (0 if it never started).</param>
/// <param name="Reason">Why.</param>
/// <param name="ExitCode">The process's exit code (137 or -1 style values when killed), null if it never started.</param>
/// <param name="Invocations">Invocations routed to it during its life.</param>
/// <param name="At">When the emulator saw it go.</param>
public sealed record LambdaInstanceExit(
    string FunctionName,
    string InstanceId,
    int Pid,
    LambdaInstanceExitReason Reason,
    int? ExitCode,
    long Invocations,
    DateTimeOffset At);
