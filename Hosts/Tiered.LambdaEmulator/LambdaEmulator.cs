using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Tiered.LambdaEmulator;

/// <summary>
/// A loopback AWS Lambda: the Invoke API (<c>POST /2015-03-31/functions/{name}/invocations</c>) on 127.0.0.1 in front,
/// and behind it real execution environments — one child process per instance, each with its own Runtime API listener
/// and the environment variables Lambda sets, like AWS's Runtime Interface Emulator but with many instances.
/// <list type="bullet">
/// <item>An invocation goes to the <b>most recently used idle instance</b> of its function, else cold-starts a new process,
/// up to the function's reserved concurrency (then 429). An instance runs one invocation at a time and keeps its process —
/// and its memory — between invocations.</item>
/// <item>The Runtime API's deadline is enforced: at <c>start + Timeout</c> the process is killed and the invocation fails with
/// <c>Sandbox.Timedout</c>. A process that dies mid-invocation fails it with <c>Runtime.ExitError</c>; <c>/runtime/init/error</c>
/// with <c>Runtime.InitError</c>.</item>
/// <item>Instances are reclaimed (SIGKILL: the memory is gone) on demand, at <see cref="LambdaEmulatorOptions.ReclaimRatePerMinute"/>,
/// after <see cref="LambdaEmulatorOptions.IdleLifetime"/>, and on disposal — which leaves no child process behind.</item>
/// <item>Every invocation is metered (<see cref="InvocationCompleted"/>, <see cref="GetUsage"/>) and reported with a Lambda REPORT line.</item>
/// </list>
/// Deadlines and durations use the wall clock; idle lifetimes, the reclaim rate and timestamps use the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class LambdaEmulator : IAsyncDisposable
{
    private readonly LambdaEmulatorOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, EmulatedFunction> _functions = new(StringComparer.Ordinal);
    private readonly List<string> _functionOrder = [];
    private readonly Dictionary<string, EmulatedInstance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmulatedInstance> _everInstances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly UsageAccumulator _usage = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Random _random;
    private readonly string _dotnetHost = DotnetHost.Find();
    private LoopbackServer? _front;
    private ITimer? _rateTimer;
    private bool _rateFireIsReal;
    private bool _started;
    private bool _disposed;

    /// <summary>Creates the emulator (nothing listens or runs until <see cref="StartAsync"/>).</summary>
    /// <param name="options">Its configuration (validated and copied; later changes have no effect).</param>
    /// <param name="logger">Where to log (instance starts and exits at Information, child output at Debug); nothing when null.</param>
    /// <param name="timeProvider">The clock of idle lifetimes, the reclaim rate and timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid (the message names it).</exception>
    public LambdaEmulator(LambdaEmulatorOptions options, ILogger<LambdaEmulator>? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone().Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
        foreach (var definition in _options.Functions) AddFunctionLocked(definition.Name, definition);
        foreach (string name in _options.FunctionNames) AddFunctionLocked(name, null);
        foreach (string name in _options.GeneratedFunctionNames()) AddFunctionLocked(name, null);
    }

    /// <summary>Raised when an instance's process has been launched.</summary>
    public event EventHandler<LambdaInstanceInfo>? InstanceStarted;

    /// <summary>Raised when an instance's process has exited and been reaped, for any reason.</summary>
    public event EventHandler<LambdaInstanceExit>? InstanceExited;

    /// <summary>Raised after every invocation that was routed to an instance, with what it was billed. Keep handlers quick.</summary>
    public event EventHandler<LambdaInvocationRecord>? InvocationCompleted;

    /// <summary>The Invoke API's base address, <c>http://127.0.0.1:port/</c> — the AWS SDK's <c>ServiceURL</c>, the AWS CLI's <c>--endpoint-url</c>.</summary>
    /// <exception cref="InvalidOperationException">The emulator has not been started.</exception>
    public Uri Endpoint => _front?.Address ?? throw new InvalidOperationException("The Lambda emulator has not been started (call StartAsync).");

    /// <summary>The options in force (a copy).</summary>
    public LambdaEmulatorOptions Options => _options.Clone();

    /// <summary>The functions, in configuration order (auto-created ones last).</summary>
    public IReadOnlyList<string> Functions
    {
        get { lock (_gate) return _functionOrder.ToArray(); }
    }

    /// <summary>Every live instance (a snapshot), oldest first per function.</summary>
    public IReadOnlyList<LambdaInstanceInfo> Instances
    {
        get { lock (_gate) return _functionOrder.SelectMany(n => _functions[n].Instances).Select(i => i.Snapshot()).ToArray(); }
    }

    /// <summary>One live instance, or null.</summary>
    public LambdaInstanceInfo? GetInstance(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        lock (_gate) return _instances.TryGetValue(instanceId, out var i) ? i.Snapshot() : null;
    }

    /// <summary>The Invoke URL of a function: <c>{Endpoint}2015-03-31/functions/{name}/invocations</c>.</summary>
    public Uri InvokeUrl(string functionName, string? qualifier = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionName);
        string query = qualifier is null ? "" : "?Qualifier=" + Uri.EscapeDataString(qualifier);
        return new Uri(Endpoint, $"2015-03-31/functions/{Uri.EscapeDataString(functionName)}/invocations{query}");
    }

    /// <summary>The ARN of a function in this emulator's region and account.</summary>
    public string FunctionArn(string functionName) => $"arn:aws:lambda:{_options.Region}:{_options.AccountId}:function:{functionName}";

    /// <summary>Starts listening on 127.0.0.1 (<see cref="LambdaEmulatorOptions.Port"/>) and the fault-injection timer.</summary>
    /// <exception cref="InvalidOperationException">Already started, or disposed.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_started) throw new InvalidOperationException("The Lambda emulator has already been started.");
            _started = true;
        }
        _front = await LoopbackServer.StartAsync(_options.Port, MapInvokeApi, cancellationToken).ConfigureAwait(false);
        if (_options.ReclaimRatePerMinute > 0)
        {
            lock (_gate)
            {
                _rateTimer = _time.CreateTimer(static s => ((LambdaEmulator)s!).OnRateReclaim(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                _rateTimer.Change(NextRateIntervalLocked(), Timeout.InfiniteTimeSpan);
            }
        }
        LambdaEmulatorLog.Started(_logger, _front.Address, Functions.Count, _options.AutoCreateFunctions ? ", more created on first use" : "");
    }

    /// <summary>Fault injection: kills one instance now (idle, starting or busy; a busy one's invocation fails with <c>Runtime.ExitError</c>).</summary>
    /// <returns>False when no live instance has that id.</returns>
    public bool ReclaimInstance(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        RetireWork? work = null;
        lock (_gate)
        {
            if (_instances.TryGetValue(instanceId, out var instance)) work = RetireLocked(instance, LambdaInstanceExitReason.Reclaimed);
        }
        if (work is not null) CompleteRetire(work, Killed);
        return work is not null;
    }

    /// <summary>Fault injection: kills every instance of a function now.</summary>
    /// <returns>How many instances were reclaimed.</returns>
    /// <exception cref="ArgumentException">No such function.</exception>
    public int ReclaimFunction(string functionName) => ReclaimFunctionIds(functionName).Count;

    /// <summary>Fault injection: kills up to <paramref name="count"/> distinct live instances picked uniformly at random.</summary>
    /// <returns>The ids of the instances reclaimed (fewer when fewer were alive).</returns>
    public IReadOnlyList<string> ReclaimRandom(int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var works = new List<RetireWork>();
        lock (_gate)
        {
            var live = _instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();
            for (int k = 0; k < Math.Min(count, live.Length); k++)
            {
                int j = _random.Next(k, live.Length);
                (live[k], live[j]) = (live[j], live[k]);
                if (RetireLocked(live[k], LambdaInstanceExitReason.Reclaimed) is { } w) works.Add(w);
            }
        }
        foreach (var w in works) CompleteRetire(w, Killed);
        return works.Select(w => w.Instance.Id).ToArray();
    }

    /// <summary>Completes when the instance's process has exited and been reaped (at once if it already has).</summary>
    /// <exception cref="ArgumentException">The emulator never had an instance with that id.</exception>
    public Task<LambdaInstanceExit> WaitForInstanceExitAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        if (!_everInstances.TryGetValue(instanceId, out var instance)) throw new ArgumentException($"The Lambda emulator has no instance '{instanceId}'.", nameof(instanceId));
        return instance.Exited.Task.WaitAsync(cancellationToken);
    }

    /// <summary>What the emulator has metered so far (a snapshot).</summary>
    public LambdaEmulatorUsage GetUsage() => _usage.Snapshot();

    /// <summary>Kills every instance (running invocations fail), waits for the processes to be reaped, and stops listening. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        var works = new List<RetireWork>();
        EmulatedInstance[] all;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _rateTimer?.Dispose();
            foreach (var instance in _instances.Values.ToArray())
                if (RetireLocked(instance, LambdaInstanceExitReason.EmulatorDisposed) is { } w) works.Add(w);
            all = [.. _everInstances.Values];
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        foreach (var w in works)
            CompleteRetire(w, p => Failure(p, "Runtime.ExitError", $"RequestId: {p.RequestId} Error: Runtime exited with error: signal: killed (the Lambda emulator was disposed)", "error"));
        try
        {
            await Task.WhenAll(all.Select(i => (Task)i.Exited.Task).Concat(_background.Keys)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            foreach (var i in all) if (i.Process is { } p) ChildProcesses.Kill(p);
        }
        if (_front is { } front) await front.DisposeAsync().ConfigureAwait(false);
        LambdaEmulatorLog.Disposed(_logger, works.Count);
    }

    // ---- routing ---------------------------------------------------------------------------------------------------

    private enum Dispatch { Routed, Throttled, ShuttingDown }

    /// <summary>Routes an invocation: the most recently used idle instance, else a cold start below the concurrency limit.</summary>
    private Dispatch Route(PendingInvocation invocation)
    {
        EmulatedInstance? instance;
        bool cold = false;
        var function = invocation.Function;
        lock (_gate)
        {
            if (_disposed) return Dispatch.ShuttingDown;
            if (function.Idle.Count > 0)
            {
                instance = function.Idle[^1];
                function.Idle.RemoveAt(function.Idle.Count - 1);
                instance.IdleTimer?.Dispose();
                instance.IdleTimer = null;
                instance.IdleGeneration++;
                instance.State = LambdaInstanceState.Busy;
            }
            else if (function.Active < function.ReservedConcurrency)
            {
                var now = _time.GetUtcNow();
                string id = string.Create(CultureInfo.InvariantCulture, $"{now:yyyy/MM/dd}/[$LATEST]{Guid.NewGuid():N}");
                instance = new EmulatedInstance(function, id, now);
                function.Instances.Add(instance);
                _instances.Add(id, instance);
                _everInstances[id] = instance;
                cold = true;
            }
            else
            {
                return Dispatch.Throttled;
            }
            function.Active++;
            instance.Invocations++;
            instance.Current = invocation;
            invocation.Instance = instance;
            invocation.ColdStart = cold;
        }
        instance.Mailbox.Writer.TryWrite(invocation);
        if (cold) Track(LaunchAsync(instance));
        return Dispatch.Routed;
    }

    /// <summary>Returns an instance whose invocation ended normally to the idle pool (it becomes the most recently used).</summary>
    private void Release(EmulatedInstance instance, PendingInvocation invocation, DateTimeOffset endedAt)
    {
        lock (_gate)
        {
            if (instance.IsRetired || instance.Current != invocation) return;
            instance.Current = null;
            instance.State = LambdaInstanceState.Idle;
            instance.LastUsedAt = endedAt;
            instance.Function.Active--;
            instance.Function.Idle.Add(instance);
            ArmIdleTimerLocked(instance);
        }
    }

    private sealed record RetireWork(EmulatedInstance Instance, LambdaInstanceState State, PendingInvocation? Current, LambdaInstanceExitReason Reason);

    /// <summary>Takes an instance out of the pool; the caller passes the result to <see cref="CompleteRetire"/> outside the lock.</summary>
    private RetireWork? RetireLocked(EmulatedInstance instance, LambdaInstanceExitReason reason)
    {
        if (instance.IsRetired) return null;
        instance.RetiredFor = reason;
        var function = instance.Function;
        var state = instance.State;
        if (state == LambdaInstanceState.Idle) function.Idle.Remove(instance);
        else function.Active--;
        function.Instances.Remove(instance);
        _instances.Remove(instance.Id);
        instance.IdleTimer?.Dispose();
        instance.IdleTimer = null;
        instance.InitTimer?.Dispose();
        instance.InitTimer = null;
        var current = instance.Current;
        instance.Current = null;
        return new RetireWork(instance, state, current, reason);
    }

    /// <summary>Fails the retired instance's invocation with <paramref name="failure"/> and kills its process (SIGKILL).</summary>
    private void CompleteRetire(RetireWork work, Func<PendingInvocation, InvocationOutcome> failure, bool kill = true)
    {
        var instance = work.Instance;
        if (work.Reason != LambdaInstanceExitReason.Exited)
            LambdaEmulatorLog.Reclaiming(_logger, instance.Function.Name, instance.Id, work.Reason, work.State);
        if (work.Current is { } current) Complete(instance, current, failure(current), release: false); // before the kill: it reads the peak memory
        Process? process;
        lock (_gate) process = instance.Process;
        if (kill && process is not null) ChildProcesses.Kill(process);
        instance.Mailbox.Writer.TryComplete();
    }

    // ---- invocation outcomes ---------------------------------------------------------------------------------------

    /// <summary>Ends an invocation once: meters it, returns the instance to the pool when <paramref name="release"/>, then answers the invoker.</summary>
    private void Complete(EmulatedInstance instance, PendingInvocation invocation, InvocationOutcome outcome, bool release)
    {
        if (!invocation.TryMarkCompleted()) return;
        invocation.DeadlineTimer?.Dispose();
        if (!invocation.Delivered) invocation.Log.TakeFrom(instance.Spill); // it ended during init: its log is the init output
        var function = invocation.Function;
        var duration = outcome.TimedOut && invocation.Delivered ? function.Timeout : invocation.Elapsed;
        var billed = invocation.Delivered ? Bill(duration) : TimeSpan.Zero;
        TimeSpan? init = null;
        int pid;
        lock (_gate)
        {
            pid = instance.Pid;
            if (invocation.ColdStart)
                init = instance.InitDuration ?? (instance.StartTimestamp != 0 ? Stopwatch.GetElapsedTime(instance.StartTimestamp) : null);
        }
        var endedAt = _time.GetUtcNow();
        var record = new LambdaInvocationRecord(invocation.RequestId, function.Name, instance.Id, invocation.Type, invocation.ColdStart,
            invocation.AcceptedAt, endedAt, duration, billed, init, function.MemoryMiB, PeakMemoryMiB(pid), outcome.ErrorType);
        string report = ReportLine(record, outcome);

        // The instance is idle again before the invoker hears back, so its next call lands on this warm instance.
        if (release) Release(instance, invocation, endedAt);
        _usage.Invocation(record, outcome.TimedOut);
        LambdaEmulatorLog.InvocationEnded(_logger, report);
        if (outcome.ErrorType is { } type) LambdaEmulatorLog.InvocationFailed(_logger, invocation.RequestId, function.Name, instance.Id, type);
        Raise(InvocationCompleted, record, nameof(InvocationCompleted));
        invocation.Completion.TrySetResult(new InvocationResponse(outcome, record, report, invocation.Log));
    }

    private static InvocationOutcome Failure(PendingInvocation invocation, string errorType, string message, string? status)
    {
        _ = invocation;
        return new InvocationOutcome(ErrorDocument(errorType, message), errorType, status);
    }

    private static InvocationOutcome Killed(PendingInvocation invocation)
        => Failure(invocation, "Runtime.ExitError", $"RequestId: {invocation.RequestId} Error: Runtime exited with error: signal: killed", "error");

    private static InvocationOutcome TimedOut(PendingInvocation invocation)
        => Failure(invocation, "Sandbox.Timedout", string.Create(CultureInfo.InvariantCulture,
            $"RequestId: {invocation.RequestId} Error: Task timed out after {invocation.Function.Timeout.TotalSeconds:0.00} seconds"), "timeout");

    private static InvocationOutcome Exited(PendingInvocation invocation, int? exitCode)
        => Failure(invocation, "Runtime.ExitError", exitCode switch
        {
            null => $"RequestId: {invocation.RequestId} Error: Runtime exited without providing a reason",
            137 or -1 => $"RequestId: {invocation.RequestId} Error: Runtime exited with error: signal: killed",
            > 128 and < 160 => $"RequestId: {invocation.RequestId} Error: Runtime exited with error: signal: {exitCode - 128}",
            _ => $"RequestId: {invocation.RequestId} Error: Runtime exited with error: exit status {exitCode}",
        }, "error");

    internal static byte[] ErrorDocument(string errorType, string message)
    {
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("errorMessage", message);
            json.WriteString("errorType", errorType);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static string ReportLine(LambdaInvocationRecord record, InvocationOutcome outcome)
    {
        var line = new StringBuilder();
        line.Append(CultureInfo.InvariantCulture, $"REPORT RequestId: {record.RequestId}\tDuration: {record.Duration.TotalMilliseconds:0.00} ms\t");
        line.Append(CultureInfo.InvariantCulture, $"Billed Duration: {(long)record.BilledDuration.TotalMilliseconds} ms\tMemory Size: {record.MemoryMiB} MB\tMax Memory Used: {record.MaxMemoryUsedMiB} MB\t");
        if (record.InitDuration is { } init) line.Append(CultureInfo.InvariantCulture, $"Init Duration: {init.TotalMilliseconds:0.00} ms\t");
        if (outcome.Status is { } status)
        {
            line.Append(CultureInfo.InvariantCulture, $"Status: {status}\t");
            if (status == "error") line.Append(CultureInfo.InvariantCulture, $"Error Type: {outcome.ErrorType}\t");
        }
        return line.ToString();
    }

    /// <summary>Billed duration: rounded up to 1 ms, at least 1 ms.</summary>
    private static TimeSpan Bill(TimeSpan duration)
    {
        long unit = TimeSpan.TicksPerMillisecond;
        return TimeSpan.FromTicks(Math.Max(1, (duration.Ticks + unit - 1) / unit) * unit);
    }

    /// <summary>The peak resident memory of a process in MiB (Linux VmHWM), 0 when unknown.</summary>
    private static int PeakMemoryMiB(int pid)
    {
        if (pid <= 0 || !OperatingSystem.IsLinux()) return 0;
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                string kb = line["VmHWM:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim();
                return long.TryParse(kb, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? (int)((value + 1023) / 1024) : 0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return 0;
    }

    // ---- timers ----------------------------------------------------------------------------------------------------

    private void OnDeadline(PendingInvocation invocation)
    {
        RetireWork? work = null;
        lock (_gate)
        {
            if (!invocation.IsCompleted && invocation.Instance is { } instance && instance.Current == invocation)
                work = RetireLocked(instance, LambdaInstanceExitReason.Timeout);
        }
        if (work is not null) CompleteRetire(work, TimedOut);
    }

    private void OnInitTimeout(EmulatedInstance instance)
    {
        RetireWork? work = null;
        lock (_gate)
        {
            if (!instance.Initialized) work = RetireLocked(instance, LambdaInstanceExitReason.InitFailed);
        }
        if (work is not null)
            CompleteRetire(work, p => Failure(p, "Runtime.InitError", string.Create(CultureInfo.InvariantCulture,
                $"RequestId: {p.RequestId} Error: the runtime did not ask for an invocation within the init timeout of {_options.InitTimeout.TotalSeconds:0.00} seconds"), "timeout"));
    }

    private void ArmIdleTimerLocked(EmulatedInstance instance)
    {
        if (_options.IdleLifetime is not { } lifetime) return;
        if (lifetime > LambdaEmulatorOptions.MaxDelay) lifetime = LambdaEmulatorOptions.MaxDelay;
        var state = new IdleTimerState(this, instance, instance.IdleGeneration);
        instance.IdleTimer = _time.CreateTimer(static s => ((IdleTimerState)s!).Fire(), state, lifetime, Timeout.InfiniteTimeSpan);
    }

    private sealed record IdleTimerState(LambdaEmulator Emulator, EmulatedInstance Instance, long Generation)
    {
        public void Fire() => Emulator.OnIdleExpired(Instance, Generation);
    }

    private void OnIdleExpired(EmulatedInstance instance, long generation)
    {
        RetireWork? work = null;
        lock (_gate)
        {
            if (!instance.IsRetired && instance.State == LambdaInstanceState.Idle && instance.IdleGeneration == generation)
                work = RetireLocked(instance, LambdaInstanceExitReason.IdleExpired);
        }
        if (work is not null) CompleteRetire(work, Killed);
    }

    private void OnRateReclaim()
    {
        RetireWork? work = null;
        lock (_gate)
        {
            if (_disposed) return;
            if (_rateFireIsReal && _instances.Count > 0)
            {
                var live = _instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();
                work = RetireLocked(live[_random.Next(live.Length)], LambdaInstanceExitReason.Reclaimed);
            }
            _rateTimer?.Change(NextRateIntervalLocked(), Timeout.InfiniteTimeSpan);
        }
        if (work is not null) CompleteRetire(work, Killed);
    }

    /// <summary>An exponential interval for <see cref="LambdaEmulatorOptions.ReclaimRatePerMinute"/>; longer than a timer can wait, it is re-drawn when the capped timer fires.</summary>
    private TimeSpan NextRateIntervalLocked()
    {
        double minutes = -Math.Log(1.0 - _random.NextDouble()) / _options.ReclaimRatePerMinute;
        double ticks = minutes * TimeSpan.TicksPerMinute;
        _rateFireIsReal = ticks < LambdaEmulatorOptions.MaxDelay.Ticks;
        return _rateFireIsReal ? TimeSpan.FromTicks(Math.Max(1, (long)ticks)) : LambdaEmulatorOptions.MaxDelay;
    }

    // ---- functions -------------------------------------------------------------------------------------------------

    private EmulatedFunction AddFunctionLocked(string name, LambdaFunctionDefinition? definition)
    {
        var environment = new Dictionary<string, string>(_options.Environment, StringComparer.Ordinal);
        if (definition?.Environment is { } extra)
            foreach (var (key, value) in extra) environment[key] = value;
        var function = new EmulatedFunction(
            name,
            FunctionArn(name),
            definition?.MemoryMiB ?? _options.MemoryMiB,
            definition?.Timeout ?? _options.Timeout,
            definition?.ReservedConcurrency ?? _options.ReservedConcurrency,
            Path.GetFullPath((definition?.BootstrapPath ?? _options.BootstrapPath)!),
            (definition?.BootstrapArguments ?? _options.BootstrapArguments).ToArray(),
            environment,
            definition?.Handler ?? _options.Handler);
        _functions.Add(name, function);
        _functionOrder.Add(name);
        return function;
    }

    /// <summary>The function of that name; with <see cref="LambdaEmulatorOptions.AutoCreateFunctions"/> it is created if needed.</summary>
    private EmulatedFunction? ResolveFunction(string name)
    {
        bool created = false;
        EmulatedFunction? function;
        lock (_gate)
        {
            if (!_functions.TryGetValue(name, out function) && _options.AutoCreateFunctions && !_disposed)
            {
                function = AddFunctionLocked(name, null);
                created = true;
            }
        }
        if (created) LambdaEmulatorLog.AutoCreated(_logger, name);
        return function;
    }

    private List<string> ReclaimFunctionIds(string functionName)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        var works = new List<RetireWork>();
        lock (_gate)
        {
            if (!_functions.TryGetValue(functionName, out var function)) throw new ArgumentException($"The Lambda emulator has no function '{functionName}'.", nameof(functionName));
            foreach (var instance in function.Instances.ToArray())
                if (RetireLocked(instance, LambdaInstanceExitReason.Reclaimed) is { } w) works.Add(w);
        }
        foreach (var w in works) CompleteRetire(w, Killed);
        return works.Select(w => w.Instance.Id).ToList();
    }

    private void Track(Task task)
    {
        _background.TryAdd(task, 0);
        task.ContinueWith(static (t, s) => ((ConcurrentDictionary<Task, byte>)s!).TryRemove(t, out _), _background,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void Raise<T>(EventHandler<T>? handlers, T args, string eventName)
    {
        if (handlers is null) return;
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<T>)handler)(this, args);
            }
            catch (Exception e)
            {
                LambdaEmulatorLog.SubscriberFailed(_logger, eventName, e);
            }
        }
    }
}
