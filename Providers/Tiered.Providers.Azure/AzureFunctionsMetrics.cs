using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Providers.Azure;

/// <summary>Names of the <see cref="System.Diagnostics.Metrics"/> instruments the Azure Functions backend publishes.</summary>
public static class AzureFunctionsMetricNames
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Tiered.Providers.Azure";

    /// <summary>Counter of invocations that ended ({invocation}); tags: function, kind, outcome, cold start.</summary>
    public const string Invocations = "tiered.azure_functions.invocations";

    /// <summary>Counter of 429 and 503 answers received, retried or not ({response}); tags: function, status.</summary>
    public const string Throttles = "tiered.azure_functions.throttles";

    /// <summary>Counter of retries ({retry}); tags: function, reason (<c>throttled</c>, <c>server_error</c>, <c>connection</c>, <c>key_refresh</c>).</summary>
    public const string Retries = "tiered.azure_functions.retries";

    /// <summary>Counter of invocations that ended in an error ({invocation}); tags: function, error type.</summary>
    public const string Errors = "tiered.azure_functions.errors";

    /// <summary>Counter of function key lookups dropped after a 401 ({refresh}); tag: function.</summary>
    public const string KeyRefreshes = "tiered.azure_functions.key_refreshes";

    /// <summary>Histogram of billed durations in seconds (Flex Consumption: at least 1 s, then 100 ms steps); tags: function, kind.</summary>
    public const string BilledDuration = "tiered.azure_functions.billed_duration";

    /// <summary>Counter of billed GB-seconds (instance memory in GiB × billed seconds); tag: kind.</summary>
    public const string BilledGbSeconds = "tiered.azure_functions.billed_gb_seconds";

    /// <summary>Tag: the function invoked.</summary>
    public const string FunctionTag = "faas.invoked_name";

    /// <summary>Tag: the <see cref="InvocationKind"/> (serve, warmup, backup).</summary>
    public const string KindTag = "tiered.invocation.kind";

    /// <summary>Tag: <c>success</c>, <c>function_error</c>, <c>throttled</c>, <c>http_error</c>, <c>key_error</c>, <c>timeout</c>, <c>connection_error</c>, <c>cancelled</c>.</summary>
    public const string OutcomeTag = "tiered.invocation.outcome";

    /// <summary>Tag: whether the invocation was the first of its worker process.</summary>
    public const string ColdStartTag = "faas.coldstart";

    /// <summary>Tag: why a retry happened.</summary>
    public const string ReasonTag = "tiered.retry.reason";

    /// <summary>Tag: the error type (<c>HTTP {status}</c>, the function's error type, <c>timeout</c>, <c>connection</c>, <c>key</c>).</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Tag: the HTTP status code.</summary>
    public const string StatusTag = "http.response.status_code";
}

/// <summary>The instruments of one backend; owns its <see cref="Meter"/> when no <see cref="IMeterFactory"/> was given.</summary>
internal sealed class AzureFunctionsMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _invocations, _throttles, _retries, _errors, _keyRefreshes;
    private readonly Histogram<double> _billedDuration;
    private readonly Counter<double> _gbSeconds;

    public AzureFunctionsMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(AzureFunctionsMetricNames.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(AzureFunctionsMetricNames.MeterName);
        }
        _invocations = _meter.CreateCounter<long>(AzureFunctionsMetricNames.Invocations, "{invocation}", "Azure Functions invocations that ended.");
        _throttles = _meter.CreateCounter<long>(AzureFunctionsMetricNames.Throttles, "{response}", "429 and 503 answers from the function apps.");
        _retries = _meter.CreateCounter<long>(AzureFunctionsMetricNames.Retries, "{retry}", "Invocations retried.");
        _errors = _meter.CreateCounter<long>(AzureFunctionsMetricNames.Errors, "{invocation}", "Invocations that ended in an error.");
        _keyRefreshes = _meter.CreateCounter<long>(AzureFunctionsMetricNames.KeyRefreshes, "{refresh}", "Function keys read again after a 401.");
        _billedDuration = _meter.CreateHistogram<double>(AzureFunctionsMetricNames.BilledDuration, "s", "Billed duration of invocations.");
        _gbSeconds = _meter.CreateCounter<double>(AzureFunctionsMetricNames.BilledGbSeconds, "GiBy.s", "Billed memory × time.");
    }

    public void Invocation(string function, string kind, string outcome, bool coldStart) =>
        _invocations.Add(1,
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.KindTag, kind),
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.OutcomeTag, outcome),
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.ColdStartTag, coldStart));

    public void Billed(string function, string kind, InvocationResult result)
    {
        var kindTag = new KeyValuePair<string, object?>(AzureFunctionsMetricNames.KindTag, kind);
        _billedDuration.Record(result.BilledDuration.TotalSeconds, new KeyValuePair<string, object?>(AzureFunctionsMetricNames.FunctionTag, function), kindTag);
        _gbSeconds.Add(result.BilledGbSeconds, kindTag);
    }

    public void Throttle(string function, int status) =>
        _throttles.Add(1,
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.StatusTag, status));

    public void Retry(string function, string reason) =>
        _retries.Add(1,
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.ReasonTag, reason));

    public void Error(string function, string errorType) =>
        _errors.Add(1,
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AzureFunctionsMetricNames.ErrorTypeTag, errorType));

    public void KeyRefresh(string function) => _keyRefreshes.Add(1, new KeyValuePair<string, object?>(AzureFunctionsMetricNames.FunctionTag, function));

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
