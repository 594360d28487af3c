using System.Diagnostics.Metrics;
using Tiered.Functions;

namespace Tiered.Providers.AwsLambda;

/// <summary>Names of the <see cref="System.Diagnostics.Metrics"/> instruments the AWS Lambda backend publishes.</summary>
public static class AwsLambdaMetricNames
{
    /// <summary>The <see cref="Meter"/> name.</summary>
    public const string MeterName = "Tiered.Providers.AwsLambda";

    /// <summary>Counter of invocations that ended ({invocation}); tags: function, kind, outcome, cold start.</summary>
    public const string Invocations = "tiered.aws_lambda.invocations";

    /// <summary>Counter of 429 answers received, retried or not ({response}); tag: function.</summary>
    public const string Throttles = "tiered.aws_lambda.throttles";

    /// <summary>Counter of retries ({retry}); tags: function, reason (<c>throttled</c>, <c>server_error</c>, <c>connection</c>).</summary>
    public const string Retries = "tiered.aws_lambda.retries";

    /// <summary>Counter of invocations that ended in an error ({invocation}); tags: function, error type (AWS's, the function's <c>Handled</c>/<c>Unhandled</c>, <c>timeout</c>, <c>connection</c>).</summary>
    public const string Errors = "tiered.aws_lambda.errors";

    /// <summary>Histogram of billed durations in seconds (from the REPORT line, else measured); tags: function, kind.</summary>
    public const string BilledDuration = "tiered.aws_lambda.billed_duration";

    /// <summary>Counter of billed GB-seconds (GiB·s); tag: kind.</summary>
    public const string BilledGbSeconds = "tiered.aws_lambda.billed_gb_seconds";

    /// <summary>Tag: the function invoked.</summary>
    public const string FunctionTag = "faas.invoked_name";

    /// <summary>Tag: the <see cref="InvocationKind"/> (serve, warmup, backup) or <c>event</c>.</summary>
    public const string KindTag = "tiered.invocation.kind";

    /// <summary>Tag: <c>success</c>, <c>function_error</c>, <c>throttled</c>, <c>aws_error</c>, <c>timeout</c>, <c>connection_error</c>, <c>cancelled</c>.</summary>
    public const string OutcomeTag = "tiered.invocation.outcome";

    /// <summary>Tag: whether the invocation cold-started an instance.</summary>
    public const string ColdStartTag = "faas.coldstart";

    /// <summary>Tag: why a retry happened.</summary>
    public const string ReasonTag = "tiered.retry.reason";

    /// <summary>Tag: the error type.</summary>
    public const string ErrorTypeTag = "error.type";
}

/// <summary>The instruments of one backend; owns its <see cref="Meter"/> when no <see cref="IMeterFactory"/> was given.</summary>
internal sealed class AwsLambdaMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _invocations, _throttles, _retries, _errors;
    private readonly Histogram<double> _billedDuration;
    private readonly Counter<double> _gbSeconds;

    public AwsLambdaMetrics(IMeterFactory? meterFactory)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(AwsLambdaMetricNames.MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(AwsLambdaMetricNames.MeterName);
        }
        _invocations = _meter.CreateCounter<long>(AwsLambdaMetricNames.Invocations, "{invocation}", "Lambda invocations that ended.");
        _throttles = _meter.CreateCounter<long>(AwsLambdaMetricNames.Throttles, "{response}", "429 TooManyRequests answers from Lambda.");
        _retries = _meter.CreateCounter<long>(AwsLambdaMetricNames.Retries, "{retry}", "Invoke calls retried.");
        _errors = _meter.CreateCounter<long>(AwsLambdaMetricNames.Errors, "{invocation}", "Invocations that ended in an error.");
        _billedDuration = _meter.CreateHistogram<double>(AwsLambdaMetricNames.BilledDuration, "s", "Billed duration of invocations.");
        _gbSeconds = _meter.CreateCounter<double>(AwsLambdaMetricNames.BilledGbSeconds, "GiBy.s", "Billed memory × time.");
    }

    public void Invocation(string function, string kind, string outcome, bool coldStart) =>
        _invocations.Add(1,
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.KindTag, kind),
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.OutcomeTag, outcome),
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.ColdStartTag, coldStart));

    public void Billed(string function, string kind, InvocationResult result)
    {
        var kindTag = new KeyValuePair<string, object?>(AwsLambdaMetricNames.KindTag, kind);
        _billedDuration.Record(result.BilledDuration.TotalSeconds, new KeyValuePair<string, object?>(AwsLambdaMetricNames.FunctionTag, function), kindTag);
        _gbSeconds.Add(result.BilledGbSeconds, kindTag);
    }

    public void Throttle(string function) => _throttles.Add(1, new KeyValuePair<string, object?>(AwsLambdaMetricNames.FunctionTag, function));

    public void Retry(string function, string reason) =>
        _retries.Add(1,
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.ReasonTag, reason));

    public void Error(string function, string errorType) =>
        _errors.Add(1,
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.FunctionTag, function),
            new KeyValuePair<string, object?>(AwsLambdaMetricNames.ErrorTypeTag, errorType));

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
