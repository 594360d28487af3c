using System.Collections.Frozen;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tiered.Functions;
using Tiered.Providers.AwsLambda.Signing;

namespace Tiered.Providers.AwsLambda;

/// <summary>
/// AWS Lambda as a function backend: each invocation is a SigV4-signed <c>POST {endpoint}/2015-03-31/functions/{name}/invocations</c>
/// (the Invoke API), <c>RequestResponse</c> with the log tail, so the task completes when the function returns and the
/// platform's REPORT line gives billed duration, memory and cold start. Throttles (429) and service errors (5xx) are retried
/// with <c>Retry-After</c> or full-jitter backoff; see <c>docs/platform-aws.md</c>. One pooled <see cref="HttpClient"/> serves every call.
/// </summary>
public sealed class AwsLambdaFunctionBackend : IFunctionBackend, IDisposable, IAsyncDisposable
{
    /// <summary>The backend's name (<see cref="IFunctionBackend.Name"/>).</summary>
    public const string BackendName = "aws-lambda";

    /// <summary>The SigV4 service name of Lambda.</summary>
    public const string SigningService = "lambda";

    private static readonly MediaTypeHeaderValue JsonContentType = new("application/json");

    private readonly AwsLambdaOptions _options;
    private readonly IAwsCredentialsProvider _credentials;
    private readonly bool _ownsCredentials;
    private readonly IAwsRequestSigner _signer;
    private readonly HttpClient _http;
    private readonly ILogger _logger;
    private readonly AwsLambdaMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly FrozenDictionary<string, Uri> _uris;
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    /// <summary>Creates the backend (nothing is contacted until the first invocation).</summary>
    /// <param name="options">Validated and copied; later changes do not affect the backend.</param>
    /// <param name="credentials">Where signing credentials come from; null: <see cref="AwsCredentialsProvider.FromOptions"/> (static keys, profile, or the default chain), owned by the backend.</param>
    /// <param name="signer">The request signer; null: a <see cref="SigV4Signer"/> for <c>lambda</c> in <see cref="AwsLambdaOptions.Region"/>.</param>
    /// <param name="logger">Retries, throttles and failures are logged here.</param>
    /// <param name="meterFactory">Creates the <c>Tiered.Providers.AwsLambda</c> meter; null: a meter the backend owns.</param>
    /// <param name="timeProvider">Signing time, measured durations and retry delays.</param>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are invalid (every bad key is named).</exception>
    public AwsLambdaFunctionBackend(AwsLambdaOptions options, IAwsCredentialsProvider? credentials = null, IAwsRequestSigner? signer = null,
        ILogger<AwsLambdaFunctionBackend>? logger = null, IMeterFactory? meterFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone().Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _ownsCredentials = credentials is null;
        _credentials = credentials ?? AwsCredentialsProvider.FromOptions(_options, _time);
        Region = _options.Region!.Trim();
        _signer = signer ?? new SigV4Signer(Region, SigningService);
        Endpoint = _options.ResolveEndpoint();
        HttpTimeout = _options.EffectiveHttpTimeout;
        Limits = _options.ToLimits();
        Functions = _options.ResolveFunctionNames();
        _uris = Functions.Distinct(StringComparer.Ordinal).ToFrozenDictionary(name => name, BuildInvocationUri, StringComparer.Ordinal);
        _metrics = new AwsLambdaMetrics(meterFactory);
        DelayAsync = (delay, token) => Task.Delay(delay, _time, token);
        _http = new HttpClient(FunctionHttpHandler.Create(_options.ConnectTimeout), disposeHandler: true) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("Tiered.Providers.AwsLambda", "1.0"));
        AwsLambdaLog.Created(_logger, Functions.Count, Endpoint, Region, _options.Qualifier ?? "(none)", _options.MemoryMiB, _options.Timeout, _credentials.Source);
    }

    /// <inheritdoc />
    public string Name => BackendName;

    /// <inheritdoc />
    public FunctionLimits Limits { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Functions { get; }

    /// <summary>The Lambda endpoint invocations go to (always ending in <c>/</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>The region requests are signed for.</summary>
    public string Region { get; }

    /// <summary>The version or alias invoked, or null.</summary>
    public string? Qualifier => _options.Qualifier;

    /// <summary>How long one Invoke HTTP call may take (longer than the function timeout).</summary>
    public TimeSpan HttpTimeout { get; }

    /// <summary>Where signing credentials come from.</summary>
    public string CredentialsSource => _credentials.Source;

    /// <summary>Waits before a retry (tests record the delays instead of waiting).</summary>
    internal Func<TimeSpan, CancellationToken, Task> DelayAsync { get; set; }

    /// <summary>The jitter source of the backoff.</summary>
    internal Random Random { get; set; } = Random.Shared;

    /// <summary>The Invoke URL of <paramref name="functionName"/>: <c>{Endpoint}2015-03-31/functions/{escaped name}/invocations[?Qualifier=…]</c>.</summary>
    public Uri InvocationUri(string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        return _uris.TryGetValue(functionName, out var uri) ? uri : BuildInvocationUri(functionName);
    }

    /// <summary>
    /// Invokes the function synchronously (<c>X-Amz-Invocation-Type: RequestResponse</c>); completes when it returns. A function
    /// error (<c>X-Amz-Function-Error</c>) is a result with <see cref="InvocationResult.Error"/> set, not an exception.
    /// </summary>
    /// <exception cref="FunctionThrottledException">Still throttled (429) after <see cref="AwsLambdaOptions.MaxRetries"/> retries.</exception>
    /// <exception cref="AwsLambdaException">Lambda refused the call (4xx) or kept failing (5xx).</exception>
    /// <exception cref="TimeoutException">No answer within <see cref="HttpTimeout"/>.</exception>
    /// <exception cref="HttpRequestException">The endpoint could not be reached (after retries).</exception>
    /// <exception cref="AwsCredentialsException">No credentials to sign with.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<InvocationResult> InvokeAsync(FunctionInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        ArgumentException.ThrowIfNullOrWhiteSpace(invocation.FunctionName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        string function = invocation.FunctionName, kind = AwsLambdaMetrics.KindName(invocation.Kind);
        Answer answer;
        try
        {
            answer = await SendAsync(function, invocation.Payload, isEvent: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RecordFailure(function, kind, e);
            throw;
        }

        var report = LambdaReport.FromLogResult(answer.LogResult);
        string? error = answer.FunctionError is { } errorKind ? LambdaResponseBody.FormatFunctionError(errorKind, answer.Body) : null;
        var result = new InvocationResult(
            function,
            error is null ? LambdaResponseBody.ReadInstanceId(answer.Body) : "",
            report?.ColdStart ?? false,
            report?.Duration ?? answer.Elapsed,
            report?.BilledDuration ?? CeilingToMillisecond(answer.Elapsed),
            report?.MemorySizeMiB is int mib ? mib * 1024L * 1024L : _options.MemoryBytes,
            answer.Body,
            error);

        _metrics.Invocation(function, kind, error is null ? "success" : "function_error", result.ColdStart);
        _metrics.Billed(function, kind, result);
        if (error is not null)
        {
            _metrics.Error(function, answer.FunctionError!);
            AwsLambdaLog.FunctionError(_logger, function, answer.FunctionError!, error);
        }
        AwsLambdaLog.InvocationEnded(_logger, function, answer.RequestId, result.Duration, result.BilledDuration, result.ColdStart);
        return result;
    }

    /// <summary>
    /// Queues an asynchronous invocation (<c>X-Amz-Invocation-Type: Event</c>); completes when Lambda has accepted it (202), long
    /// before the function runs. Errors and retries as <see cref="InvokeAsync"/>.
    /// </summary>
    public async Task<AwsLambdaEventResult> InvokeEventAsync(string functionName, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Answer answer;
        try
        {
            answer = await SendAsync(functionName, payload, isEvent: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            RecordFailure(functionName, "event", e);
            throw;
        }
        _metrics.Invocation(functionName, "event", "success", coldStart: false);
        return new AwsLambdaEventResult(functionName, answer.StatusCode, answer.RequestId);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _disposing.Cancel();
        _http.Dispose();
        _metrics.Dispose();
        if (_ownsCredentials) (_credentials as IDisposable)?.Dispose();
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<Answer> SendAsync(string function, ReadOnlyMemory<byte> payload, bool isEvent, CancellationToken cancellationToken)
    {
        var uri = InvocationUri(function);
        string payloadHash = SigV4Signer.HashPayload(payload.Span);
        for (int attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var credentials = await _credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            using var request = CreateRequest(uri, payload, isEvent);
            _signer.Sign(request, payloadHash, credentials, _time.GetUtcNow());

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            timeout.CancelAfter(HttpTimeout);
            long started = _time.GetTimestamp();
            HttpResponseMessage response;
            byte[] body;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                try
                {
                    body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException($"The invocation of Lambda function '{function}' was cancelled.", e, cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException or ObjectDisposedException && _disposing.IsCancellationRequested)
            {
                throw new ObjectDisposedException($"The AWS Lambda backend was disposed during the invocation of '{function}'.", e);
            }
            catch (Exception e) when (e is OperationCanceledException or HttpRequestException or IOException && timeout.IsCancellationRequested)
            {
                AwsLambdaLog.TimedOut(_logger, function, HttpTimeout, _options.Timeout);
                throw new TimeoutException(
                    $"The invocation of Lambda function '{function}' did not complete within {HttpTimeout} (the HTTP timeout; the function timeout is {_options.Timeout}).", e);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && attempt < _options.MaxRetries)
            {
                // Nothing was sent: retrying cannot run the function twice.
                var delay = RetryDelays.Backoff(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay, Random);
                AwsLambdaLog.RetryingConnection(_logger, function, attempt + 1, _options.MaxRetries, delay, e);
                _metrics.Retry(function, "connection");
                await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                string requestId = Header(response, "x-amzn-RequestId") ?? "";
                if (status is >= 200 and < 300)
                    return new Answer(status, requestId, Header(response, "X-Amz-Function-Error"), Header(response, "X-Amz-Log-Result"), body, _time.GetElapsedTime(started));

                var (errorType, message) = LambdaResponseBody.ReadAwsError(Header(response, "x-amzn-ErrorType"), status, body);
                var error = new AwsLambdaException(function, status, errorType, message, requestId.Length == 0 ? null : requestId);
                bool throttled = status == (int)HttpStatusCode.TooManyRequests;
                if (throttled) _metrics.Throttle(function);
                if (throttled || status >= 500)
                {
                    var retryAfter = RetryDelays.RetryAfter(response.Headers, _time.GetUtcNow());
                    bool tooLong = retryAfter > _options.RetryMaxDelay;
                    if (attempt < _options.MaxRetries && !tooLong)
                    {
                        var delay = retryAfter ?? RetryDelays.Backoff(attempt, _options.RetryBaseDelay, _options.RetryMaxDelay, Random);
                        if (throttled) AwsLambdaLog.RetryingThrottle(_logger, function, errorType, message, attempt + 1, _options.MaxRetries, delay);
                        else AwsLambdaLog.RetryingServerError(_logger, function, status, errorType, attempt + 1, _options.MaxRetries, delay);
                        _metrics.Retry(function, throttled ? "throttled" : "server_error");
                        await DelayAsync(delay, cancellationToken).ConfigureAwait(false);
                        continue;
                    }
                    if (throttled)
                    {
                        AwsLambdaLog.Throttled(_logger, function, attempt + 1, errorType, message);
                        throw new FunctionThrottledException(function, 0,
                            $"Lambda function '{function}' is throttled ({status} {errorType}{(message is null ? "" : ": " + message)}) after {attempt + 1} attempt(s)" +
                            (tooLong ? $"; Lambda asked to retry after {retryAfter}, more than RetryMaxDelay ({_options.RetryMaxDelay})." : "."), error);
                    }
                }
                if (errorType == "ExpiredTokenException" && _credentials is AwsCredentialsProvider provider) provider.Invalidate();
                AwsLambdaLog.InvokeFailed(_logger, function, status, errorType, message, error.RequestId);
                throw error;
            }
        }
    }

    /// <summary>The unsigned Invoke request: JSON body, <c>X-Amz-Invocation-Type</c>, and <c>X-Amz-Log-Type: Tail</c> for <c>RequestResponse</c>.</summary>
    internal static HttpRequestMessage CreateRequest(Uri uri, ReadOnlyMemory<byte> payload, bool isEvent)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Version = HttpVersion.Version11, Content = new ReadOnlyMemoryContent(payload) };
        request.Content.Headers.ContentType = JsonContentType;
        request.Headers.TryAddWithoutValidation("X-Amz-Invocation-Type", isEvent ? "Event" : "RequestResponse");
        if (!isEvent) request.Headers.TryAddWithoutValidation("X-Amz-Log-Type", "Tail");
        return request;
    }

    private void RecordFailure(string function, string kind, Exception e)
    {
        (string outcome, string? errorType) = e switch
        {
            FunctionThrottledException => ("throttled", "TooManyRequestsException"),
            AwsLambdaException aws => ("aws_error", aws.ErrorType),
            TimeoutException => ("timeout", "timeout"),
            HttpRequestException => ("connection_error", "connection"),
            AwsCredentialsException => ("credentials_error", "credentials"),
            OperationCanceledException or ObjectDisposedException => ("cancelled", null),
            _ => ("error", e.GetType().Name),
        };
        _metrics.Invocation(function, kind, outcome, coldStart: false);
        if (errorType is not null) _metrics.Error(function, errorType);
    }

    private Uri BuildInvocationUri(string functionName)
    {
        string relative = "2015-03-31/functions/" + Uri.EscapeDataString(functionName.Trim()) + "/invocations";
        if (_options.Qualifier is { } qualifier) relative += "?Qualifier=" + Uri.EscapeDataString(qualifier);
        return new Uri(Endpoint, relative);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    private static TimeSpan CeilingToMillisecond(TimeSpan elapsed)
    {
        long ms = (elapsed.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond;
        return TimeSpan.FromMilliseconds(Math.Max(1, ms));
    }


    private readonly record struct Answer(int StatusCode, string RequestId, string? FunctionError, string? LogResult, byte[] Body, TimeSpan Elapsed);
}
