using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>
/// The embedded function platform: a pool of functions whose instances live in this process, with the
/// semantics a FaaS platform gives InfiniCache.
/// <list type="bullet">
/// <item>An invocation goes to the <b>most recently used idle warm instance</b> of its function; when none is
/// idle it cold-starts a new instance (after <see cref="LocalFunctionOptions.ColdStartDelay"/>), up to
/// <see cref="LocalFunctionOptions.MaxConcurrency"/> starting-or-busy instances per function. Beyond that the
/// invocation is refused with <see cref="FunctionThrottledException"/> (never queued), as Lambda answers 429.</item>
/// <item>An instance runs one invocation at a time and keeps its handler object — and so everything the handler
/// holds — between invocations, until it is reclaimed: idle longer than its idle lifetime, by fault injection
/// (a rate, a per-instance hazard, or on demand), at the end of its instance lifetime (the reclaim model: recycled
/// when idle, or when its invocation ends), when an invocation on it times out, or on disposal.
/// Reclaiming cancels the running invocation's token, fails that invocation, and disposes the handler.</item>
/// <item>Every invocation is metered: duration (the handler's run time, not the cold-start delay), billed duration
/// (rounded up to <see cref="LocalFunctionOptions.BillingGranularity"/>, at least one unit), GB-seconds.</item>
/// <item>All time comes from the injected <see cref="TimeProvider"/>.</item>
/// </list>
/// The <see cref="CancellationToken"/> given to <see cref="InvokeAsync"/> only stops the caller's wait, as closing
/// the HTTP request of a real Invoke call would: the invocation itself runs on (use the <c>Reclaim…</c> methods to
/// stop it).
/// </summary>
public sealed class LocalFunctionPlatform : IFunctionBackend, IFunctionInstanceControl, IAsyncDisposable, IDisposable
{
    private readonly LocalFunctionOptions _options;
    private readonly ILocalFunctionHandlerFactory _handlerFactory;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LocalPlatformMetrics _metrics;
    private readonly LocalUsageAccumulator _usage = new();
    private readonly Dictionary<string, LocalFunctionSlot> _functions;
    private readonly Dictionary<string, LocalFunctionInstance> _instances = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly IdleLifetimeSampler? _idleSampler;
    private readonly InstanceLifetimeSampler? _lifetimeSampler;
    private readonly ITimer? _rateTimer;
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _pendingDisposals = [];
    private long _nextInstance;
    private int _running;
    private bool _disposed;
    private bool _rateFireIsReal;

    /// <summary>Creates the platform.</summary>
    /// <param name="options">Its configuration (validated and copied; later changes have no effect).</param>
    /// <param name="handlerFactory">Creates each new instance's handler.</param>
    /// <param name="timeProvider">The clock and timers; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where to log; nothing is logged when null.</param>
    /// <param name="meterFactory">Creates the platform's <see cref="Meter"/>; when null the platform owns a plain one.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An option is invalid (the message names it).</exception>
    public LocalFunctionPlatform(
        LocalFunctionOptions options,
        ILocalFunctionHandlerFactory handlerFactory,
        TimeProvider? timeProvider = null,
        ILogger<LocalFunctionPlatform>? logger = null,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(handlerFactory);
        _options = options.Clone().Validate();
        _handlerFactory = handlerFactory;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _random = _options.Seed is { } seed ? new Random(seed) : new Random();
        ReclaimModel = _options.ResolveReclaimModel();
        _idleSampler = _options.IdleLifetimeSampler ?? ReclaimModel?.IdleLifetimeSampler;
        _lifetimeSampler = _options.InstanceLifetimeSampler ?? ReclaimModel?.InstanceLifetimeSampler;
        Limits = _options.ToLimits();
        Functions = _options.ResolveFunctionNames();
        _functions = Functions.ToDictionary(n => n, n => new LocalFunctionSlot(n), StringComparer.Ordinal);
        _metrics = new LocalPlatformMetrics(meterFactory, ObserveInstances);
        if (_options.ReclaimRatePerHour > 0)
        {
            // Armed after the field is set, so the first firing always finds the timer to re-arm.
            _rateTimer = _time.CreateTimer(static s => ((LocalFunctionPlatform)s!).OnRateReclaim(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _rateTimer.Change(NextRateInterval(), Timeout.InfiniteTimeSpan);
        }
        LocalPlatformLog.Started(_logger, Functions.Count, _options.MemoryMiB, _options.MaxConcurrency, _options.ColdStartDelay);
    }

    /// <summary>Creates the platform with a delegate as the handler factory.</summary>
    public LocalFunctionPlatform(
        LocalFunctionOptions options,
        Func<LocalInstanceContext, IFunctionHandler> handlerFactory,
        TimeProvider? timeProvider = null,
        ILogger<LocalFunctionPlatform>? logger = null,
        IMeterFactory? meterFactory = null)
        : this(options, new DelegateLocalFunctionHandlerFactory(handlerFactory), timeProvider, logger, meterFactory)
    {
    }

    /// <summary>Raised after every invocation that ran (succeeded or failed), with what it was billed. Raised on the thread that ended it; keep handlers quick.</summary>
    public event EventHandler<LocalInvocationRecord>? InvocationCompleted;

    /// <summary>Raised when an instance is reclaimed, for any reason.</summary>
    public event EventHandler<LocalInstanceReclaim>? InstanceReclaimed;

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public FunctionLimits Limits { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Functions { get; }

    /// <summary>The reclaim model the options named (<see cref="LocalFunctionOptions.ReclaimModel"/>), or null when none.</summary>
    public LocalReclaimModel? ReclaimModel { get; }

    /// <summary>The clock the platform runs on.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>The platform's metrics <see cref="Meter"/> (named <see cref="LocalPlatformMetricNames.MeterName"/>).</summary>
    public Meter Meter => _metrics.Meter;

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The function is not in the pool.</exception>
    /// <exception cref="ObjectDisposedException">The platform was disposed.</exception>
    /// <remarks>
    /// The returned task faults with <see cref="FunctionThrottledException"/> when the function is at its
    /// concurrency limit. Otherwise it completes with a result, whose <see cref="InvocationResult.Error"/> says
    /// when the handler threw, timed out, or lost its instance. Cancelling <paramref name="cancellationToken"/>
    /// cancels the wait, not the invocation.
    /// </remarks>
    public Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        if (!_functions.TryGetValue(invocation.FunctionName, out var function))
            throw new ArgumentException(UnknownFunction(invocation.FunctionName), nameof(invocation));
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled<InvocationResult>(cancellationToken);

        var acceptedAt = _time.GetUtcNow();
        LocalFunctionInstance? instance = null;
        var cold = false;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (function.Idle.Count > 0)
            {
                instance = function.Idle[^1];
                function.Idle.RemoveAt(function.Idle.Count - 1);
                instance.IdleTimer?.Dispose();
                instance.IdleTimer = null;
                instance.IdleGeneration++;
                instance.State = LocalInstanceState.Busy;
            }
            else if (function.Active < _options.MaxConcurrency)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"{function.Name}/{++_nextInstance:D6}");
                instance = new LocalFunctionInstance(function, id, acceptedAt);
                function.Instances.Add(instance);
                _instances.Add(id, instance);
                ArmHazardTimerLocked(instance);
                ArmLifetimeLocked(instance);
                cold = true;
            }
            if (instance is not null)
            {
                function.Active++;
                instance.InvocationCount++;
                _running++;
            }
        }

        if (instance is null)
        {
            _usage.Throttle();
            _metrics.Throttle(function.Name);
            LocalPlatformLog.Throttled(_logger, function.Name, _options.MaxConcurrency);
            return Task.FromException<InvocationResult>(new FunctionThrottledException(function.Name, _options.MaxConcurrency));
        }
        if (cold) LocalPlatformLog.ColdStart(_logger, function.Name, instance.Id);

        var run = RunAsync(instance, cold, invocation, acceptedAt);
        return cancellationToken.CanBeCanceled ? run.WaitAsync(cancellationToken) : run;
    }

    /// <summary>Fault injection: reclaims one instance now (idle, starting or busy).</summary>
    /// <returns>False when no live instance has that id.</returns>
    public bool ReclaimInstance(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        LocalReclaimWork? work = null;
        lock (_gate)
        {
            if (_instances.TryGetValue(instanceId, out var instance)) work = ReclaimLocked(instance, LocalReclaimReason.Injected);
        }
        if (work is { } w) CompleteReclaim(w);
        return work is not null;
    }

    /// <summary>Fault injection: reclaims every instance of a function now.</summary>
    /// <returns>How many instances were reclaimed.</returns>
    /// <exception cref="ArgumentException">The function is not in the pool.</exception>
    public int ReclaimFunction(string functionName)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        if (!_functions.TryGetValue(functionName, out var function)) throw new ArgumentException(UnknownFunction(functionName), nameof(functionName));
        var works = new List<LocalReclaimWork>();
        lock (_gate)
        {
            foreach (var instance in function.Instances.ToArray())
                if (ReclaimLocked(instance, LocalReclaimReason.Injected) is { } w) works.Add(w);
        }
        foreach (var w in works) CompleteReclaim(w);
        return works.Count;
    }

    /// <summary>Fault injection: reclaims up to <paramref name="count"/> distinct live instances picked uniformly at random (idle, starting or busy).</summary>
    /// <returns>The ids of the instances reclaimed (fewer than <paramref name="count"/> when fewer were alive).</returns>
    public IReadOnlyList<string> ReclaimRandom(int count, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(random);
        var works = new List<LocalReclaimWork>();
        lock (_gate)
        {
            var live = _instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();
            for (var k = 0; k < Math.Min(count, live.Length); k++)
            {
                var j = random.Next(k, live.Length);
                (live[k], live[j]) = (live[j], live[k]);
                if (ReclaimLocked(live[k], LocalReclaimReason.Injected) is { } w) works.Add(w);
            }
        }
        foreach (var w in works) CompleteReclaim(w);
        return works.Select(w => w.Instance.Id).ToArray();
    }

    IReadOnlyList<FunctionInstanceInfo> IFunctionInstanceControl.GetInstances()
    {
        lock (_gate)
            return _instances.Values.Select(i => i.Snapshot()).OrderBy(i => i.InstanceId, StringComparer.Ordinal)
                .Select(i => new FunctionInstanceInfo(i.FunctionName, i.InstanceId, i.State != LocalInstanceState.Idle)).ToArray();
    }

    bool IFunctionInstanceControl.Reclaim(string instanceId) => ReclaimInstance(instanceId);

    /// <summary>Every function of the pool with its live instances (a snapshot).</summary>
    public IReadOnlyList<LocalFunctionInfo> GetFunctions()
    {
        lock (_gate) return Functions.Select(n => SnapshotLocked(_functions[n])).ToArray();
    }

    /// <summary>One function with its live instances (a snapshot).</summary>
    /// <exception cref="ArgumentException">The function is not in the pool.</exception>
    public LocalFunctionInfo GetFunction(string functionName)
    {
        ArgumentNullException.ThrowIfNull(functionName);
        if (!_functions.TryGetValue(functionName, out var function)) throw new ArgumentException(UnknownFunction(functionName), nameof(functionName));
        lock (_gate) return SnapshotLocked(function);
    }

    /// <summary>One live instance, or null when no live instance has that id.</summary>
    public LocalInstanceInfo? GetInstance(string instanceId)
    {
        lock (_gate) return _instances.TryGetValue(instanceId, out var i) ? i.Snapshot() : null;
    }

    /// <summary>Live instances across the pool.</summary>
    public int InstanceCount
    {
        get { lock (_gate) return _instances.Count; }
    }

    /// <summary>What the platform has metered so far (a snapshot).</summary>
    public LocalPlatformUsage GetUsage() => _usage.Snapshot();

    /// <summary>
    /// Reclaims every instance (cancelling running invocations, whose results report the error), waits for those
    /// invocations to end, and disposes the handlers. Idempotent.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var works = new List<LocalReclaimWork>();
        bool drain;
        lock (_gate)
        {
            if (_disposed) return;
            Volatile.Write(ref _disposed, true);
            _rateTimer?.Dispose();
            foreach (var instance in _instances.Values.ToArray())
                if (ReclaimLocked(instance, LocalReclaimReason.PlatformDisposed) is { } w) works.Add(w);
            drain = _running > 0;
        }
        foreach (var w in works) CompleteReclaim(w);
        if (drain) await _drained.Task.ConfigureAwait(false);
        Task[] disposals;
        lock (_gate) disposals = [.. _pendingDisposals];
        try
        {
            await Task.WhenAll(disposals).ConfigureAwait(false);
        }
        catch
        {
            // Already logged by ObserveDisposal.
        }
        LocalPlatformLog.Disposed(_logger, works.Count);
        _metrics.Dispose();
    }

    /// <summary>Synchronous <see cref="DisposeAsync"/> (for containers disposed synchronously).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task<InvocationResult> RunAsync(LocalFunctionInstance instance, bool cold, FunctionInvocation invocation, DateTimeOffset acceptedAt)
    {
        var function = instance.Function;
        var invocationId = Guid.NewGuid().ToString("N");
        var lifetime = instance.Lifetime.Token;
        var duration = TimeSpan.Zero;
        var ran = false;
        var timedOut = false;
        ReadOnlyMemory<byte> response = default;
        string? error = null;
        var outcome = "success";
        try
        {
            if (cold) error = await ColdStartAsync(instance, lifetime).ConfigureAwait(false);
            if (error is not null)
            {
                outcome = instance.ReclaimedFor == LocalReclaimReason.InitFailed ? "init_error" : OutcomeOfReclaim(instance);
            }
            else
            {
                var handler = instance.Handler!;
                var timeout = _options.Timeout;
                var context = new FunctionContext(function.Name, instance.Id, invocationId, _time.GetUtcNow() + timeout, _options.MemoryBytes);
                using var timeoutCts = new CancellationTokenSource(timeout, _time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(lifetime, timeoutCts.Token);
                var start = _time.GetTimestamp();
                ran = true;
                Task<ReadOnlyMemory<byte>> task;
                try
                {
                    task = handler.HandleAsync(invocation.Payload, context, linked.Token);
                }
                catch (Exception ex)
                {
                    task = Task.FromException<ReadOnlyMemory<byte>>(ex);
                }
                try
                {
                    // A handler that ignores its token is abandoned at the reclaim or the deadline, as a real platform kills it.
                    response = await task.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    if (!task.IsCompleted) _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                    if (lifetime.IsCancellationRequested)
                    {
                        error = ReclaimedError(instance);
                        outcome = OutcomeOfReclaim(instance);
                    }
                    else if (timeoutCts.IsCancellationRequested)
                    {
                        error = string.Create(CultureInfo.InvariantCulture, $"Task timed out after {timeout.TotalSeconds:0.00} seconds");
                        outcome = "timeout";
                        timedOut = true;
                    }
                    else
                    {
                        error = $"Unhandled {ex.GetType().FullName}: {ex.Message}";
                        outcome = "function_error";
                    }
                }
                duration = _time.GetElapsedTime(start);
                if (duration > timeout && (timedOut || error is null)) duration = timeout;
                if (duration < TimeSpan.Zero) duration = TimeSpan.Zero;
            }
        }
        catch (Exception ex)
        {
            // Nothing above should throw; if it does, report it rather than fault the caller's task.
            error ??= $"Platform error {ex.GetType().FullName}: {ex.Message}";
            outcome = "platform_error";
        }

        var result = new InvocationResult(function.Name, instance.Id, cold, duration, ran ? Bill(duration) : TimeSpan.Zero, _options.MemoryBytes, response, error);
        var endedAt = _time.GetUtcNow();
        Finish(instance, timedOut, endedAt);

        _usage.Invocation(invocation.Kind, result);
        _metrics.Invocation(invocation.Kind, result, outcome);
        if (error is null) LocalPlatformLog.InvocationEnded(_logger, invocationId, function.Name, instance.Id, duration, result.BilledDuration, cold);
        else LocalPlatformLog.InvocationFailed(_logger, invocationId, function.Name, instance.Id, error);
        Raise(InvocationCompleted, new LocalInvocationRecord(invocationId, invocation.Kind, acceptedAt, endedAt, result), nameof(InvocationCompleted));

        lock (_gate)
        {
            if (--_running == 0 && _disposed) _drained.TrySetResult();
        }
        return result;
    }

    /// <summary>Waits out the cold-start delay and creates the handler; returns the error, or null when the instance is ready.</summary>
    private async Task<string?> ColdStartAsync(LocalFunctionInstance instance, CancellationToken lifetime)
    {
        if (_options.ColdStartDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(_options.ColdStartDelay, _time, lifetime).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (lifetime.IsCancellationRequested)
            {
                return ReclaimedError(instance);
            }
        }
        if (lifetime.IsCancellationRequested) return ReclaimedError(instance);

        IFunctionHandler created;
        try
        {
            created = _handlerFactory.CreateHandler(new LocalInstanceContext(instance.Function.Name, instance.Id, _options.MemoryBytes, instance.CreatedAt))
                ?? throw new InvalidOperationException($"{_handlerFactory.GetType().Name}.CreateHandler returned null.");
        }
        catch (Exception ex)
        {
            LocalReclaimWork? work;
            lock (_gate) work = ReclaimLocked(instance, LocalReclaimReason.InitFailed);
            if (work is { } w) CompleteReclaim(w);
            return $"Runtime.InitError: the handler factory threw {ex.GetType().FullName}: {ex.Message}";
        }

        var reclaimed = false;
        lock (_gate)
        {
            if (instance.IsReclaimed) reclaimed = true;
            else
            {
                instance.Handler = created;
                instance.State = LocalInstanceState.Busy;
            }
        }
        if (!reclaimed) return null;
        DisposeHandler(instance.Id, created);
        return ReclaimedError(instance);
    }

    /// <summary>Returns a finished instance to the idle pool, or resets it after a timeout, or disposes the handler of a reclaimed one.</summary>
    private void Finish(LocalFunctionInstance instance, bool timedOut, DateTimeOffset endedAt)
    {
        LocalReclaimWork? work = null;
        IFunctionHandler? orphan = null;
        lock (_gate)
        {
            instance.LastUsedAt = endedAt;
            if (instance.IsReclaimed)
            {
                orphan = instance.Handler;
                instance.Handler = null;
            }
            else if (timedOut)
            {
                work = ReclaimLocked(instance, LocalReclaimReason.Timeout);
                orphan = instance.Handler;
                instance.Handler = null;
            }
            else if (instance.RecycleDue)
            {
                // Its instance lifetime ended while it ran: recycled now that the invocation is over.
                work = ReclaimLocked(instance, LocalReclaimReason.Recycled);
                orphan = instance.Handler;
                instance.Handler = null;
            }
            else
            {
                var function = instance.Function;
                function.Active--;
                instance.State = LocalInstanceState.Idle;
                function.Idle.Add(instance);
                ArmIdleTimerLocked(instance);
            }
        }
        if (work is { } w) CompleteReclaim(w);
        if (orphan is not null) DisposeHandler(instance.Id, orphan);
    }

    /// <summary>Takes an instance out of the pool; the caller must pass the result to <see cref="CompleteReclaim"/> outside the lock.</summary>
    private LocalReclaimWork? ReclaimLocked(LocalFunctionInstance instance, LocalReclaimReason reason)
    {
        if (instance.IsReclaimed) return null;
        var function = instance.Function;
        var state = instance.State;
        instance.ReclaimedFor = reason;
        IFunctionHandler? handler = null;
        if (state == LocalInstanceState.Idle)
        {
            function.Idle.Remove(instance);
            handler = instance.Handler;
            instance.Handler = null;
        }
        else
        {
            function.Active--; // The running invocation's handler is disposed when that invocation ends.
        }
        function.Instances.Remove(instance);
        _instances.Remove(instance.Id);
        instance.IdleTimer?.Dispose();
        instance.IdleTimer = null;
        instance.HazardTimer?.Dispose();
        instance.HazardTimer = null;
        instance.RecycleTimer?.Dispose();
        instance.RecycleTimer = null;
        return new LocalReclaimWork(instance, new LocalInstanceReclaim(function.Name, instance.Id, reason, state, _time.GetUtcNow()), handler);
    }

    private void CompleteReclaim(LocalReclaimWork work)
    {
        var e = work.Event;
        _usage.Reclaim(e.Reason);
        _metrics.Reclaim(e.FunctionName, e.Reason);
        LocalPlatformLog.Reclaimed(_logger, e.FunctionName, e.InstanceId, e.Reason, e.StateAtReclaim);
        Raise(InstanceReclaimed, e, nameof(InstanceReclaimed));
        try
        {
            work.Instance.Lifetime.Cancel();
        }
        catch (AggregateException ex)
        {
            LocalPlatformLog.SubscriberFailed(_logger, "instance cancellation", ex);
        }
        if (work.HandlerToDispose is { } handler) DisposeHandler(e.InstanceId, handler);
    }

    private void DisposeHandler(string instanceId, IFunctionHandler handler)
    {
        try
        {
            if (handler is IAsyncDisposable asyncDisposable)
            {
                var pending = asyncDisposable.DisposeAsync();
                if (!pending.IsCompletedSuccessfully) ObserveDisposal(instanceId, pending.AsTask());
            }
            else if (handler is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }
        catch (Exception ex)
        {
            LocalPlatformLog.HandlerDisposeFailed(_logger, instanceId, ex);
        }
    }

    private void ObserveDisposal(string instanceId, Task task)
    {
        var observed = task.ContinueWith(
            t => { if (t.Exception is { } ex) LocalPlatformLog.HandlerDisposeFailed(_logger, instanceId, ex.GetBaseException()); },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        lock (_gate)
        {
            _pendingDisposals.RemoveAll(static t => t.IsCompleted);
            _pendingDisposals.Add(observed);
        }
    }

    private void ArmIdleTimerLocked(LocalFunctionInstance instance)
    {
        var lifetime = _options.IdleLifetime;
        if (_idleSampler is { } sampler)
        {
            try
            {
                lifetime = sampler(instance.Snapshot(), _random);
            }
            catch (Exception ex)
            {
                LocalPlatformLog.SubscriberFailed(_logger, nameof(LocalFunctionOptions.IdleLifetimeSampler), ex);
                lifetime = Timeout.InfiniteTimeSpan;
            }
        }
        if (lifetime == Timeout.InfiniteTimeSpan) return;
        if (lifetime <= TimeSpan.Zero) lifetime = TimeSpan.FromTicks(1);
        if (lifetime > LocalFunctionOptions.MaxDelay) lifetime = LocalFunctionOptions.MaxDelay;
        var state = new IdleTimerState(this, instance, instance.IdleGeneration);
        instance.IdleTimer = _time.CreateTimer(static s => ((IdleTimerState)s!).Fire(), state, lifetime, Timeout.InfiniteTimeSpan);
    }

    private sealed record IdleTimerState(LocalFunctionPlatform Platform, LocalFunctionInstance Instance, long Generation)
    {
        public void Fire() => Platform.OnIdleExpired(Instance, Generation);
    }

    private void OnIdleExpired(LocalFunctionInstance instance, long generation)
    {
        LocalReclaimWork? work = null;
        lock (_gate)
        {
            if (!instance.IsReclaimed && instance.State == LocalInstanceState.Idle && instance.IdleGeneration == generation)
                work = ReclaimLocked(instance, LocalReclaimReason.Idle);
        }
        if (work is { } w) CompleteReclaim(w);
    }

    /// <summary>Draws a new instance's lifetime and arms the timer that recycles it.</summary>
    private void ArmLifetimeLocked(LocalFunctionInstance instance)
    {
        var lifetime = _options.InstanceLifetime;
        if (_lifetimeSampler is { } sampler)
        {
            try
            {
                lifetime = sampler(instance.Snapshot(), _random);
            }
            catch (Exception ex)
            {
                LocalPlatformLog.SubscriberFailed(_logger, nameof(LocalFunctionOptions.InstanceLifetimeSampler), ex);
                lifetime = Timeout.InfiniteTimeSpan;
            }
        }
        if (lifetime == Timeout.InfiniteTimeSpan) return;
        if (lifetime < TimeSpan.Zero) lifetime = TimeSpan.Zero;
        instance.RecycleAt = instance.CreatedAt + lifetime;
        ArmRecycleTimerLocked(instance, lifetime);
    }

    private void ArmRecycleTimerLocked(LocalFunctionInstance instance, TimeSpan due)
    {
        // A zero due time would fire inside CreateTimer on some clocks; one tick is "at once" for every caller.
        var (capped, real) = Capped(due <= TimeSpan.Zero ? TimeSpan.FromTicks(1) : due);
        instance.RecycleTimer?.Dispose();
        instance.RecycleTimer = _time.CreateTimer(static s => ((RecycleTimerState)s!).Fire(), new RecycleTimerState(this, instance, real), capped, Timeout.InfiniteTimeSpan);
    }

    private sealed record RecycleTimerState(LocalFunctionPlatform Platform, LocalFunctionInstance Instance, bool Real)
    {
        public void Fire() => Platform.OnRecycleDue(Instance, Real);
    }

    private void OnRecycleDue(LocalFunctionInstance instance, bool real)
    {
        LocalReclaimWork? work = null;
        lock (_gate)
        {
            if (instance.IsReclaimed || _disposed) return;
            if (!real)
            {
                // The lifetime was beyond the longest timer: wait out the rest.
                var rest = instance.RecycleAt!.Value - _time.GetUtcNow();
                ArmRecycleTimerLocked(instance, rest);
                return;
            }
            if (instance.State == LocalInstanceState.Idle) work = ReclaimLocked(instance, LocalReclaimReason.Recycled);
            else instance.RecycleDue = true; // starting or busy: it goes when its invocation ends, as a draining host lets it finish
        }
        if (work is { } w) CompleteReclaim(w);
    }

    private void ArmHazardTimerLocked(LocalFunctionInstance instance)
    {
        if (_options.InstanceReclaimHazardPerHour <= 0) return;
        var (due, real) = Capped(Exponential(_options.InstanceReclaimHazardPerHour));
        instance.HazardTimer?.Dispose();
        instance.HazardTimer = _time.CreateTimer(static s => ((HazardTimerState)s!).Fire(), new HazardTimerState(this, instance, real), due, Timeout.InfiniteTimeSpan);
    }

    private sealed record HazardTimerState(LocalFunctionPlatform Platform, LocalFunctionInstance Instance, bool Real)
    {
        public void Fire() => Platform.OnHazard(Instance, Real);
    }

    private void OnHazard(LocalFunctionInstance instance, bool real)
    {
        LocalReclaimWork? work = null;
        lock (_gate)
        {
            if (instance.IsReclaimed || _disposed) return;
            if (real) work = ReclaimLocked(instance, LocalReclaimReason.Injected);
            else ArmHazardTimerLocked(instance); // the sample was beyond the longest timer: the process is memoryless, so draw again
        }
        if (work is { } w) CompleteReclaim(w);
    }

    /// <summary>A timer due time no longer than the longest timer, and whether the event really happens then.</summary>
    private static (TimeSpan Due, bool Real) Capped(TimeSpan sample)
        => sample > LocalFunctionOptions.MaxDelay ? (LocalFunctionOptions.MaxDelay, false) : (sample, true);

    private void OnRateReclaim()
    {
        LocalReclaimWork? work = null;
        lock (_gate)
        {
            if (_disposed) return;
            if (_rateFireIsReal && _instances.Count > 0)
            {
                var live = _instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray();
                work = ReclaimLocked(live[_random.Next(live.Length)], LocalReclaimReason.Injected);
            }
            _rateTimer?.Change(NextRateIntervalLocked(), Timeout.InfiniteTimeSpan);
        }
        if (work is { } w) CompleteReclaim(w);
    }

    private TimeSpan NextRateInterval()
    {
        lock (_gate) return NextRateIntervalLocked();
    }

    private TimeSpan NextRateIntervalLocked()
    {
        (var due, _rateFireIsReal) = Capped(Exponential(_options.ReclaimRatePerHour));
        return due;
    }

    /// <summary>An exponentially distributed interval for events at <paramref name="perHour"/>; the caller holds the lock.</summary>
    private TimeSpan Exponential(double perHour)
    {
        var hours = -Math.Log(1.0 - _random.NextDouble()) / perHour;
        var ticks = hours * TimeSpan.TicksPerHour;
        return ticks >= TimeSpan.MaxValue.Ticks / 2 ? TimeSpan.MaxValue / 2 : TimeSpan.FromTicks(Math.Max(1, (long)ticks));
    }

    private TimeSpan Bill(TimeSpan duration)
    {
        var unit = _options.BillingGranularity.Ticks;
        var units = Math.Max(1, (duration.Ticks + unit - 1) / unit);
        return TimeSpan.FromTicks(units * unit);
    }

    private static string ReclaimedError(LocalFunctionInstance instance) => instance.ReclaimedFor == LocalReclaimReason.PlatformDisposed
        ? "The local function platform was disposed during the invocation."
        : $"Instance {instance.Id} was reclaimed ({instance.ReclaimedFor}) during the invocation.";

    private static string OutcomeOfReclaim(LocalFunctionInstance instance)
        => instance.ReclaimedFor == LocalReclaimReason.PlatformDisposed ? "disposed" : "reclaimed";

    private LocalFunctionInfo SnapshotLocked(LocalFunctionSlot function)
        => new(function.Name, function.Instances.Select(i => i.Snapshot()).ToArray());

    private IEnumerable<Measurement<long>> ObserveInstances()
    {
        long starting = 0, idle = 0, busy = 0;
        lock (_gate)
        {
            foreach (var i in _instances.Values)
            {
                switch (i.State)
                {
                    case LocalInstanceState.Starting: starting++; break;
                    case LocalInstanceState.Idle: idle++; break;
                    default: busy++; break;
                }
            }
        }
        return
        [
            new(starting, new KeyValuePair<string, object?>(LocalPlatformMetricNames.StateTag, LocalPlatformMetrics.StateName(LocalInstanceState.Starting))),
            new(idle, new KeyValuePair<string, object?>(LocalPlatformMetricNames.StateTag, LocalPlatformMetrics.StateName(LocalInstanceState.Idle))),
            new(busy, new KeyValuePair<string, object?>(LocalPlatformMetricNames.StateTag, LocalPlatformMetrics.StateName(LocalInstanceState.Busy))),
        ];
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
            catch (Exception ex)
            {
                LocalPlatformLog.SubscriberFailed(_logger, eventName, ex);
            }
        }
    }

    private string UnknownFunction(string name) => Functions.Count == 0
        ? $"Function '{name}' does not exist: the local platform has no functions."
        : $"Function '{name}' does not exist on the local platform ({Functions.Count} functions: '{Functions[0]}' … '{Functions[^1]}').";
}
