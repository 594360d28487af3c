using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Providers.Local;

/// <summary>Names of the <see cref="System.Diagnostics.Metrics"/> instruments the local platform publishes.</summary>
public static class LocalPlatformMetricNames
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Tiered.Providers.Local";

    /// <summary>Counter of invocations that ran ({invocation}); tags: function, kind, cold start, outcome.</summary>
    public const string Invocations = "tiered.local.invocations";

    /// <summary>Counter of cold starts ({instance}); tag: function.</summary>
    public const string ColdStarts = "tiered.local.cold_starts";

    /// <summary>Counter of invocations refused at the concurrency limit ({invocation}); tag: function.</summary>
    public const string Throttles = "tiered.local.throttles";

    /// <summary>Counter of reclaimed instances ({instance}); tags: function, reason.</summary>
    public const string Reclaims = "tiered.local.reclaims";

    /// <summary>Histogram of billed durations in seconds; tags: function, kind.</summary>
    public const string BilledDuration = "tiered.local.billed_duration";

    /// <summary>Counter of billed GB-seconds (GiB·s); tag: kind.</summary>
    public const string BilledGbSeconds = "tiered.local.billed_gb_seconds";

    /// <summary>Observable gauge of live instances ({instance}); tag: state (starting, idle, busy).</summary>
    public const string Instances = "tiered.local.instances";

    /// <summary>Tag: the function invoked.</summary>
    public const string FunctionTag = "faas.invoked_name";

    /// <summary>Tag: the <see cref="InvocationKind"/> (serve, warmup, backup).</summary>
    public const string KindTag = "tiered.invocation.kind";

    /// <summary>Tag: whether the invocation cold-started an instance.</summary>
    public const string ColdStartTag = "faas.coldstart";

    /// <summary>Tag: <c>success</c> or the error type (<c>function_error</c>, <c>timeout</c>, <c>reclaimed</c>, <c>init_error</c>, <c>disposed</c>).</summary>
    public const string OutcomeTag = "tiered.invocation.outcome";

    /// <summary>Tag: the <see cref="LocalReclaimReason"/>.</summary>
    public const string ReasonTag = "tiered.reclaim.reason";

    /// <summary>Tag: an instance state.</summary>
    public const string StateTag = "tiered.instance.state";
}

/// <summary>The instruments of one platform; owns its <see cref="Meter"/> when no <see cref="IMeterFactory"/> was given.</summary>
internal sealed class LocalPlatformMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _invocations, _coldStarts, _throttles, _reclaims;
    private readonly Histogram<double> _billedDuration;
    private readonly Counter<double> _gbSeconds;

    public LocalPlatformMetrics(IMeterFactory? meterFactory, Func<IEnumerable<Measurement<long>>> observeInstances)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(LocalPlatformMetricNames.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(LocalPlatformMetricNames.MeterName);
        }
        _invocations = _meter.CreateCounter<long>(LocalPlatformMetricNames.Invocations, "{invocation}", "Function invocations that ran.");
        _coldStarts = _meter.CreateCounter<long>(LocalPlatformMetricNames.ColdStarts, "{instance}", "Instances cold-started.");
        _throttles = _meter.CreateCounter<long>(LocalPlatformMetricNames.Throttles, "{invocation}", "Invocations refused at the concurrency limit.");
        _reclaims = _meter.CreateCounter<long>(LocalPlatformMetricNames.Reclaims, "{instance}", "Instances reclaimed.");
        _billedDuration = _meter.CreateHistogram<double>(LocalPlatformMetricNames.BilledDuration, "s", "Billed duration of invocations.");
        _gbSeconds = _meter.CreateCounter<double>(LocalPlatformMetricNames.BilledGbSeconds, "GiBy.s", "Billed memory × time.");
        _meter.CreateObservableGauge(LocalPlatformMetricNames.Instances, observeInstances, "{instance}", "Live function instances by state.");
    }

    public Meter Meter => _meter;

    public void Invocation(InvocationKind kind, InvocationResult result, string outcome)
    {
        var function = new KeyValuePair<string, object?>(LocalPlatformMetricNames.FunctionTag, result.FunctionName);
        var kindTag = new KeyValuePair<string, object?>(LocalPlatformMetricNames.KindTag, KindName(kind));
        _invocations.Add(1, function, kindTag,
            new KeyValuePair<string, object?>(LocalPlatformMetricNames.ColdStartTag, result.ColdStart),
            new KeyValuePair<string, object?>(LocalPlatformMetricNames.OutcomeTag, outcome));
        if (result.ColdStart) _coldStarts.Add(1, function);
        _billedDuration.Record(result.BilledDuration.TotalSeconds, function, kindTag);
        _gbSeconds.Add(result.BilledGbSeconds, kindTag);
    }

    public void Throttle(string function)
        => _throttles.Add(1, new KeyValuePair<string, object?>(LocalPlatformMetricNames.FunctionTag, function));

    public void Reclaim(string function, LocalReclaimReason reason)
        => _reclaims.Add(1,
            new KeyValuePair<string, object?>(LocalPlatformMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(LocalPlatformMetricNames.ReasonTag, ReasonName(reason)));

    public static string KindName(InvocationKind kind) => kind switch
    {
        InvocationKind.Serve => "serve",
        InvocationKind.WarmUp => "warmup",
        InvocationKind.Backup => "backup",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string ReasonName(LocalReclaimReason reason) => reason switch
    {
        LocalReclaimReason.Idle => "idle",
        LocalReclaimReason.Injected => "injected",
        LocalReclaimReason.Timeout => "timeout",
        LocalReclaimReason.InitFailed => "init_failed",
        LocalReclaimReason.PlatformDisposed => "disposed",
        LocalReclaimReason.Recycled => "recycled",
        _ => reason.ToString().ToLowerInvariant(),
    };

    public static string StateName(LocalInstanceState state) => state switch
    {
        LocalInstanceState.Starting => "starting",
        LocalInstanceState.Idle => "idle",
        LocalInstanceState.Busy => "busy",
        _ => state.ToString().ToLowerInvariant(),
    };

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
