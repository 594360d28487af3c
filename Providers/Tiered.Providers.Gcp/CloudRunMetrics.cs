using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Providers.Gcp;

/// <summary>Names of the <see cref="System.Diagnostics.Metrics"/> instruments the Cloud Run backend publishes.</summary>
public static class CloudRunMetricNames
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Tiered.Providers.Gcp";

    /// <summary>Counter of invocations that ended ({invocation}); tags: function, kind, outcome, cold start.</summary>
    public const string Invocations = "tiered.gcp_cloud_run.invocations";

    /// <summary>Counter of 429 and 503 answers received, retried or not ({response}); tags: function, status.</summary>
    public const string Throttles = "tiered.gcp_cloud_run.throttles";

    /// <summary>Counter of retries ({retry}); tags: function, reason (<c>throttled</c>, <c>server_error</c>, <c>connection</c>, <c>unauthorized</c>).</summary>
    public const string Retries = "tiered.gcp_cloud_run.retries";

    /// <summary>Counter of invocations that ended in an error ({invocation}); tags: function, error type.</summary>
    public const string Errors = "tiered.gcp_cloud_run.errors";

    /// <summary>Counter of ID tokens fetched from the credential source (cache misses) ({token}); tag: outcome.</summary>
    public const string TokenFetches = "tiered.gcp_cloud_run.token_fetches";

    /// <summary>Histogram of billed durations in seconds (measured, rounded up to 100 ms); tags: function, kind.</summary>
    public const string BilledDuration = "tiered.gcp_cloud_run.billed_duration";

    /// <summary>Counter of billed GB-seconds (GiB·s); tag: kind.</summary>
    public const string BilledGbSeconds = "tiered.gcp_cloud_run.billed_gb_seconds";

    /// <summary>Tag: the function invoked.</summary>
    public const string FunctionTag = "faas.invoked_name";

    /// <summary>Tag: the <see cref="InvocationKind"/> (serve, warmup, backup).</summary>
    public const string KindTag = "tiered.invocation.kind";

    /// <summary>Tag: <c>success</c>, <c>function_error</c>, <c>throttled</c>, <c>unauthorized</c>, <c>platform_error</c>, <c>timeout</c>, <c>connection_error</c>, <c>credentials_error</c>, <c>cancelled</c>.</summary>
    public const string OutcomeTag = "tiered.invocation.outcome";

    /// <summary>Tag: whether the invocation started a new instance (as the host reports it).</summary>
    public const string ColdStartTag = "faas.coldstart";

    /// <summary>Tag: why a retry happened.</summary>
    public const string ReasonTag = "tiered.retry.reason";

    /// <summary>Tag: the error type.</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag: the HTTP status code.</summary>
    public const string StatusTag = "http.response.status_code";
}

/// <summary>The instruments of one backend; owns its <see cref="Meter"/> when no <see cref="IMeterFactory"/> was given.</summary>
internal sealed class CloudRunMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _invocations, _throttles, _retries, _errors, _tokenFetches;
    private readonly Histogram<double> _billedDuration;
    private readonly Counter<double> _gbSeconds;

    public CloudRunMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(CloudRunMetricNames.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(CloudRunMetricNames.MeterName);
        }
        _invocations = _meter.CreateCounter<long>(CloudRunMetricNames.Invocations, "{invocation}", "Cloud Run invocations that ended.");
        _throttles = _meter.CreateCounter<long>(CloudRunMetricNames.Throttles, "{response}", "429 and 503 answers from Cloud Run.");
        _retries = _meter.CreateCounter<long>(CloudRunMetricNames.Retries, "{retry}", "Invocations retried.");
        _errors = _meter.CreateCounter<long>(CloudRunMetricNames.Errors, "{invocation}", "Invocations that ended in an error.");
        _tokenFetches = _meter.CreateCounter<long>(CloudRunMetricNames.TokenFetches, "{token}", "ID tokens fetched from the credential source.");
        _billedDuration = _meter.CreateHistogram<double>(CloudRunMetricNames.BilledDuration, "s", "Billed duration of invocations.");
        _gbSeconds = _meter.CreateCounter<double>(CloudRunMetricNames.BilledGbSeconds, "GiBy.s", "Billed memory × time.");
    }

    public void Invocation(string function, string kind, string outcome, bool coldStart) =>
        _invocations.Add(1,
            new KeyValuePair<string, object?>(CloudRunMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(CloudRunMetricNames.KindTag, kind),
            new KeyValuePair<string, object?>(CloudRunMetricNames.OutcomeTag, outcome),
            new KeyValuePair<string, object?>(CloudRunMetricNames.ColdStartTag, coldStart));

    public void Billed(string function, string kind, InvocationResult result)
    {
        var kindTag = new KeyValuePair<string, object?>(CloudRunMetricNames.KindTag, kind);
        _billedDuration.Record(result.BilledDuration.TotalSeconds, new KeyValuePair<string, object?>(CloudRunMetricNames.FunctionTag, function), kindTag);
        _gbSeconds.Add(result.BilledGbSeconds, kindTag);
    }

    public void Throttle(string function, int status) =>
        _throttles.Add(1,
            new KeyValuePair<string, object?>(CloudRunMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(CloudRunMetricNames.StatusTag, status));

    public void Retry(string function, string reason) =>
        _retries.Add(1,
            new KeyValuePair<string, object?>(CloudRunMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(CloudRunMetricNames.ReasonTag, reason));

    public void Error(string function, string errorType) =>
        _errors.Add(1,
            new KeyValuePair<string, object?>(CloudRunMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(CloudRunMetricNames.ErrorTypeTag, errorType));

    public void TokenFetched(string outcome) => _tokenFetches.Add(1, new KeyValuePair<string, object?>(CloudRunMetricNames.OutcomeTag, outcome));

    public static string KindName(InvocationKind kind) => kind switch
    {
        InvocationKind.Serve => "serve",
        InvocationKind.WarmUp => "warmup",
        InvocationKind.Backup => "backup",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }
}
